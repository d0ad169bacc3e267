package dev.discovery.k8s.internal.api;

import dev.discovery.api.Environment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * One or more kubeconfig files merged as kubectl merges {@code KUBECONFIG}: the first file that
 * defines a cluster, user or context name wins, and the first file that sets {@code
 * current-context} sets it. Then one context (named, else the current one) is turned into {@link
 * Settings}: its cluster's {@code server}, {@code certificate-authority(-data)} and {@code
 * insecure-skip-tls-verify}; its user's {@code token}, {@code tokenFile}, {@code
 * client-certificate(-data)}/{@code client-key(-data)} or {@code exec}; its {@code namespace}.
 * Relative paths are relative to the directory of the file that wrote them.
 */
final class Kubeconfig {
  private static final String SUPPORTED_AUTH =
      "token, tokenFile, client-certificate/client-key or exec";

  private final String label;
  private final Map<String, Entry> clusters = new LinkedHashMap<>();
  private final Map<String, Entry> users = new LinkedHashMap<>();
  private final Map<String, Entry> contexts = new LinkedHashMap<>();
  private String currentContext;

  /** A named cluster, user or context, and the file that defined it. */
  private record Entry(String name, Map<?, ?> body, Path file, String where) {}

  private Kubeconfig(String label) {
    this.label = label;
  }

  /**
   * Reads and merges {@code files}; a file that cannot be read is skipped when {@code skipMissing}
   * (as kubectl skips them in {@code KUBECONFIG}), else an error.
   */
  static Kubeconfig read(Environment env, List<Path> files, boolean skipMissing)
      throws ApiConfigException {
    String label =
        "kubeconfig " + files.stream().map(Path::toString).collect(Collectors.joining(":"));
    Kubeconfig config = new Kubeconfig(label);
    int read = 0;
    for (Path file : files) {
      var text = env.file(file);
      if (text.isEmpty()) {
        if (skipMissing) {
          continue;
        }
        throw new ApiConfigException(
            "kubeconfig " + file + ": cannot read the file (expected: a readable kubeconfig)");
      }
      config.merge(file, parse(file, text.get()));
      read++;
    }
    if (read == 0) {
      throw new ApiConfigException(
          label + ": none of the files can be read (expected: at least one kubeconfig)");
    }
    return config;
  }

  private static Map<?, ?> parse(Path file, String text) throws ApiConfigException {
    Object root;
    try {
      root =
          new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromString(text);
    } catch (MarkedYamlEngineException e) {
      // Never the snippet snakeyaml quotes: the line may hold a token.
      String at =
          e.getProblemMark()
              .map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1))
              .orElse("");
      throw new ApiConfigException(
          "kubeconfig "
              + file
              + ": not valid YAML: "
              + e.getProblem()
              + at
              + " (expected: a kubeconfig)");
    } catch (YamlEngineException e) {
      throw new ApiConfigException(
          "kubeconfig " + file + ": not valid YAML (expected: a kubeconfig)");
    }
    if (root == null) {
      return Map.of();
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new ApiConfigException(
          "kubeconfig "
              + file
              + ": not a mapping (expected: a kubeconfig with clusters, users and contexts)");
    }
    return map;
  }

  private void merge(Path file, Map<?, ?> root) throws ApiConfigException {
    String where = "kubeconfig " + file;
    named(root, "clusters", "cluster", file, where, clusters);
    named(root, "users", "user", file, where, users);
    named(root, "contexts", "context", file, where, contexts);
    String current = string(root, "current-context", where);
    if (currentContext == null && current != null && !current.isEmpty()) {
      currentContext = current;
    }
  }

  private static void named(
      Map<?, ?> root, String list, String item, Path file, String where, Map<String, Entry> into)
      throws ApiConfigException {
    Object value = root.get(list);
    if (value == null) {
      return;
    }
    if (!(value instanceof List<?> entries)) {
      throw new ApiConfigException(
          where + ": " + list + " is not a list (expected: a list of {name, " + item + "})");
    }
    for (int i = 0; i < entries.size(); i++) {
      String at = where + ", " + list + "[" + i + "]";
      if (!(entries.get(i) instanceof Map<?, ?> entry)) {
        throw new ApiConfigException(at + ": not a mapping (expected: {name, " + item + "})");
      }
      String name = string(entry, "name", at);
      if (name == null || name.isEmpty()) {
        throw new ApiConfigException(at + ": no name (expected: name: <" + item + " name>)");
      }
      Object body = entry.get(item);
      if (body == null) {
        body = Map.of();
      }
      if (!(body instanceof Map<?, ?> bodyMap)) {
        throw new ApiConfigException(
            where
                + ", "
                + item
                + " \""
                + name
                + "\": "
                + item
                + " is not a mapping (expected: its fields)");
      }
      into.putIfAbsent(
          name, new Entry(name, bodyMap, file, where + ", " + item + " \"" + name + "\""));
    }
  }

  /** The settings of context {@code name}, or of the current context when {@code null}. */
  Settings settings(String name) throws ApiConfigException {
    if (name == null) {
      if (currentContext == null) {
        throw new ApiConfigException(
            label
                + ": no current-context (expected: current-context set, or a context named; "
                + oneOf(contexts)
                + ")");
      }
      name = currentContext;
    }
    Entry context = contexts.get(name);
    if (context == null) {
      throw new ApiConfigException(
          label + ": context \"" + name + "\" not found (expected " + oneOf(contexts) + ")");
    }
    String clusterName = string(context.body(), "cluster", context.where());
    if (clusterName == null || clusterName.isEmpty()) {
      throw new ApiConfigException(
          context.where() + ": no cluster (expected: cluster: <cluster name>)");
    }
    Entry cluster = clusters.get(clusterName);
    if (cluster == null) {
      throw new ApiConfigException(
          context.where()
              + ": cluster \""
              + clusterName
              + "\" not found (expected "
              + oneOf(clusters)
              + ")");
    }
    String userName = string(context.body(), "user", context.where());
    Entry user = null;
    if (userName != null && !userName.isEmpty()) {
      user = users.get(userName);
      if (user == null) {
        throw new ApiConfigException(
            context.where()
                + ": user \""
                + userName
                + "\" not found (expected "
                + oneOf(users)
                + ")");
      }
    }
    String namespace = string(context.body(), "namespace", context.where());

    Map<?, ?> c = cluster.body();
    String where = " (" + cluster.where() + ")";
    String server = string(c, "server", cluster.where());
    if (server == null || server.isBlank()) {
      throw new ApiConfigException(
          cluster.where() + ": no server (expected: server: https://<host>:<port>)");
    }
    Material ca =
        material(
            cluster, "certificate-authority-data", "certificate-authority", "a PEM certificate");
    Boolean insecure = bool(c, "insecure-skip-tls-verify", cluster.where());

    Material token = null;
    Material tokenFile = null;
    Material cert = null;
    Material key = null;
    ExecPlugin.Spec exec = null;
    if (user != null) {
      Map<?, ?> u = user.body();
      String userWhere = " (" + user.where() + ")";
      for (String unsupported : List.of("auth-provider", "username", "password")) {
        if (u.get(unsupported) != null) {
          throw new ApiConfigException(
              user.where()
                  + ": "
                  + unsupported
                  + " is not supported (expected: "
                  + SUPPORTED_AUTH
                  + ")");
        }
      }
      String t = string(u, "token", user.where());
      if (t != null && !t.isEmpty()) {
        token = Material.inline("token", t, userWhere);
      }
      String tf = string(u, "tokenFile", user.where());
      if (tf != null && !tf.isEmpty()) {
        tokenFile = Material.file("tokenFile", resolve(user.file(), tf), userWhere);
      }
      cert = material(user, "client-certificate-data", "client-certificate", "a PEM certificate");
      key = material(user, "client-key-data", "client-key", "a PEM private key");
      if ((cert == null) != (key == null)) {
        throw new ApiConfigException(
            user.where()
                + ": "
                + (cert == null
                    ? "client-key without client-certificate"
                    : "client-certificate without client-key")
                + " (expected: both, or neither)");
      }
      exec = exec(user, server, c);
    }
    return new Settings(
        server.strip(),
        "server" + where,
        ca,
        Boolean.TRUE.equals(insecure),
        cluster.where() + ": insecure-skip-tls-verify",
        token,
        tokenFile,
        cert,
        key,
        exec,
        namespace == null || namespace.isEmpty() ? Settings.DEFAULT_NAMESPACE : namespace,
        "kubeconfig "
            + context.file()
            + ", context "
            + name
            + (user == null ? "" : ", user " + user.name()));
  }

  /** The {@code -data} field (base64 PEM, wins) or the file field of {@code entry}, or null. */
  private static Material material(Entry entry, String dataField, String fileField, String what)
      throws ApiConfigException {
    String where = " (" + entry.where() + ")";
    String data = string(entry.body(), dataField, entry.where());
    if (data != null && !data.isBlank()) {
      try {
        return Material.inline(
            dataField,
            new String(
                Base64.getDecoder().decode(data.replaceAll("\\s", "")), StandardCharsets.UTF_8),
            where);
      } catch (IllegalArgumentException e) {
        throw new ApiConfigException(
            entry.where()
                + ": "
                + dataField
                + " is not valid base64 (expected: base64 of "
                + what
                + ")");
      }
    }
    String file = string(entry.body(), fileField, entry.where());
    if (file != null && !file.isBlank()) {
      return Material.file(fileField, resolve(entry.file(), file.strip()), where);
    }
    return null;
  }

  private static ExecPlugin.Spec exec(Entry user, String server, Map<?, ?> cluster)
      throws ApiConfigException {
    Object value = user.body().get("exec");
    if (value == null) {
      return null;
    }
    String where = user.where() + ", exec";
    if (!(value instanceof Map<?, ?> e)) {
      throw new ApiConfigException(
          where + ": not a mapping (expected: apiVersion, command, args, env)");
    }
    String apiVersion = string(e, "apiVersion", where);
    if (!ExecPlugin.API_VERSIONS.contains(apiVersion)) {
      throw new ApiConfigException(
          where
              + ": apiVersion "
              + apiVersion
              + " (expected one of: "
              + String.join(", ", ExecPlugin.API_VERSIONS)
              + ")");
    }
    String command = string(e, "command", where);
    if (command == null || command.isBlank()) {
      throw new ApiConfigException(where + ": no command (expected: command: <program>)");
    }
    if (command.contains("/") && !Path.of(command).isAbsolute()) {
      command = resolve(user.file(), command).toString();
    }
    String interactive = string(e, "interactiveMode", where);
    if ("Always".equals(interactive)) {
      throw new ApiConfigException(
          where
              + ": interactiveMode Always (expected: Never or IfAvailable; discovery runs without a terminal)");
    }
    List<String> args = new ArrayList<>();
    Object argList = e.get("args");
    if (argList != null) {
      if (!(argList instanceof List<?> list)) {
        throw new ApiConfigException(where + ": args is not a list (expected: a list of strings)");
      }
      for (Object a : list) {
        args.add(String.valueOf(a));
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    Object envList = e.get("env");
    if (envList != null) {
      if (!(envList instanceof List<?> list)) {
        throw new ApiConfigException(
            where + ": env is not a list (expected: a list of {name, value})");
      }
      for (Object item : list) {
        if (!(item instanceof Map<?, ?> pair) || !(pair.get("name") instanceof String n)) {
          throw new ApiConfigException(
              where + ": env has an entry without name (expected: {name, value})");
        }
        env.put(n, pair.get("value") == null ? "" : String.valueOf(pair.get("value")));
      }
    }
    Map<String, Object> clusterInfo = null;
    if (Boolean.TRUE.equals(bool(e, "provideClusterInfo", where))) {
      clusterInfo = new LinkedHashMap<>();
      clusterInfo.put("server", server);
      Object caData = cluster.get("certificate-authority-data");
      if (caData instanceof String s) {
        clusterInfo.put("certificate-authority-data", s);
      }
      if (Boolean.TRUE.equals(cluster.get("insecure-skip-tls-verify"))) {
        clusterInfo.put("insecure-skip-tls-verify", true);
      }
    }
    return new ExecPlugin.Spec(
        apiVersion, command, args, env, clusterInfo, string(e, "installHint", where), user.where());
  }

  private static Path resolve(Path kubeconfig, String path) {
    Path p = Path.of(path);
    if (p.isAbsolute()) {
      return p;
    }
    Path dir = kubeconfig.toAbsolutePath().getParent();
    return dir == null ? p : dir.resolve(p).normalize();
  }

  private static String string(Map<?, ?> map, String field, String where)
      throws ApiConfigException {
    Object v = map.get(field);
    if (v == null) {
      return null;
    }
    if (v instanceof Map || v instanceof List) {
      throw new ApiConfigException(where + ": " + field + " is not a string (expected: a string)");
    }
    return String.valueOf(v);
  }

  private static Boolean bool(Map<?, ?> map, String field, String where) throws ApiConfigException {
    Object v = map.get(field);
    if (v == null || v instanceof Boolean) {
      return (Boolean) v;
    }
    throw new ApiConfigException(where + ": " + field + ": " + v + " (expected: true or false)");
  }

  private static String oneOf(Map<String, Entry> entries) {
    return entries.isEmpty()
        ? "one of: (none defined)"
        : "one of: " + String.join(", ", entries.keySet());
  }
}
