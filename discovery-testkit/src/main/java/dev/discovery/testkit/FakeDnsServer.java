package dev.discovery.testkit;

import dev.discovery.api.internal.DiscoveryThreads;
import dev.discovery.testkit.internal.ClusterDnsCache;
import dev.discovery.testkit.internal.ClusterDnsData;
import dev.discovery.testkit.internal.DnsResponder;
import dev.discovery.testkit.internal.DnsSockets;
import dev.discovery.testkit.internal.DnsTruncation;
import dev.discovery.testkit.internal.Validation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A real authoritative DNS server on loopback serving a {@link FakeCluster} per the Kubernetes DNS
 * specification (schema 1.1.0, with CoreDNS's choices where the specification leaves them open),
 * over UDP and TCP on one ephemeral port. Messages are dnsjava's wire format.
 *
 * <pre>{@code
 * try (FakeDnsServer dns = FakeDnsServer.start(cluster)) {
 *   InetSocketAddress server = dns.address();            // 127.0.0.1:<port>, UDP and TCP
 *   String target = dns.target("web.shop:grpc");         // k8s+dns://127.0.0.1:<port>/web.shop:grpc
 *   dns.inject("web.shop.svc.cluster.local", DnsFault.servfail().times(1));
 *   dns.stop();                                           // the port goes silent...
 *   dns.restart();                                        // ...and answers again, same port
 * }
 * }</pre>
 *
 * <h2>What it answers</h2>
 *
 * The cluster zone ({@code cluster.local} unless the cluster says otherwise), {@code in-addr.arpa.}
 * and {@code ip6.arpa.}, authoritatively:
 *
 * <ul>
 *   <li>ClusterIP, NodePort and LoadBalancer Services: {@code <svc>.<ns>.svc.<zone>} A/AAAA of the
 *       ClusterIP; {@code _<port>._<proto>.<svc>...} SRV per named port (the Service port, target
 *       the Service name); PTR of the ClusterIP.
 *   <li>Headless Services: A/AAAA of each ready endpoint (all endpoints with {@code
 *       publishNotReadyAddresses}); {@code <hostname>.<svc>...} per endpoint, the hostname being
 *       the pod's when its subdomain is the Service, else the dashed IP ({@code 127-0-1-1}, {@code
 *       fd00--1}); SRV per named port and ready endpoint, with the endpoint's port; PTR of each
 *       endpoint IP. No ready endpoint: NXDOMAIN.
 *   <li>ExternalName Services: a CNAME, followed within the zone, and to names the test declared
 *       with {@link #externalHost} (as CoreDNS would forward it); otherwise the CNAME alone.
 *   <li>{@code dns-version.<zone>} TXT {@code "1.1.0"}; SOA and NS at each apex.
 *   <li>NXDOMAIN for names that do not exist, NOERROR with no answer (NODATA) for names that exist
 *       without the asked type (empty non-terminals included), both with the zone's SOA in the
 *       authority section; REFUSED outside the zones. Names match case-insensitively.
 * </ul>
 *
 * <p>Answers follow the cluster at once. The records are built when the server starts and again
 * after each change of the cluster, on a thread of their own, so queries only read them: the first
 * queries to a fresh server of thousands of pods are answered as fast as later ones (a query that
 * comes between a change and the end of its build waits for that build).
 *
 * <h2>Answers too large for one message</h2>
 *
 * As CoreDNS does (it cuts its replies with miekg/dns's {@code Msg.Truncate}), an answer larger
 * than its transport allows carries as many records as fit, in order (answer, authority,
 * additional; an RRset may be cut short), with the TC bit set. Over UDP the limit is 512 bytes, or
 * the client's EDNS payload size up to 1232; a client then retries over TCP, where the limit is
 * 65535 bytes, the most one DNS message holds: about 4,000 A records. So over TCP, as from a real
 * cluster's DNS, the A answer of a headless Service with more ready pods holds the first ~4,090 of
 * them and the TC bit, and the SRV answer of a 1000-pod one holds all 1000 SRV records but only
 * some of their targets' addresses in the additional section, and the TC bit (BIND leaves TC clear
 * when only additional records are left out).
 *
 * <h2>Threads</h2>
 *
 * Daemon threads named {@code discovery-testkit-dns-*}: one receiving per UDP socket and one
 * answering what they receive (a burst of queries waits in memory, not in the socket's buffer where
 * the kernel would drop it), one accepting per TCP socket, one per open TCP connection, one
 * building the records after a change, and a timer for delayed answers (the last two end when
 * idle). {@link #close()} frees the port and ends them all. Thread-safe.
 *
 * @since 0.1
 */
public final class FakeDnsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FakeDnsServer.class);
  private static final int LOG_CAPACITY = 10_000;

  /** The TTL of answers unless set otherwise: 5 seconds, CoreDNS's default. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);

  private final FakeCluster cluster;
  private final List<InetAddress> hosts;
  private final ScheduledThreadPoolExecutor timer;
  private final ExecutorService tcpWorkers;
  private final ClusterDnsCache records;
  private final Map<Name, List<InetAddress>> externalHosts = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<FaultRule> faults = new CopyOnWriteArrayList<>();
  private final Deque<DnsQuery> queryLog = new ArrayDeque<>(); // guarded by itself
  private final AtomicLong queryCount = new AtomicLong();
  private final Object lifecycle = new Object();
  private int port; // guarded by lifecycle
  private DnsSockets sockets; // guarded by lifecycle
  private boolean closed; // guarded by lifecycle

  private FakeDnsServer(Builder b) {
    this.cluster = b.cluster;
    List<InetAddress> hosts = new ArrayList<>();
    hosts.add(InetAddress.getLoopbackAddress());
    if (b.ipv6) {
      hosts.add(Validation.ip("ipv6 loopback", "::1"));
    }
    this.hosts = List.copyOf(hosts);
    this.port = b.port;
    this.timer =
        new ScheduledThreadPoolExecutor(1, DiscoveryThreads.factory("discovery-testkit-dns-timer"));
    timer.setRemoveOnCancelPolicy(true);
    timer.setKeepAliveTime(2, TimeUnit.SECONDS);
    timer.allowCoreThreadTimeOut(true);
    this.tcpWorkers =
        Executors.newCachedThreadPool(DiscoveryThreads.factory("discovery-testkit-dns-tcp"));
    this.records =
        new ClusterDnsCache(
            cluster, b.ttl.getSeconds(), hosts.get(0), "discovery-testkit-dns-records");
  }

  /** Starts a server for {@code cluster} on a free port of 127.0.0.1, TTL 5 s. */
  public static FakeDnsServer start(FakeCluster cluster) {
    return builder(cluster).start();
  }

  /** A builder for a server of {@code cluster}: TTL, port, IPv6. */
  public static Builder builder(FakeCluster cluster) {
    return new Builder(cluster);
  }

  /** The UDP and TCP address on 127.0.0.1. */
  public InetSocketAddress address() {
    return new InetSocketAddress(hosts.get(0), port());
  }

  /** The address on {@code ::1}, when started with {@link Builder#ipv6(boolean)}. */
  public Optional<InetSocketAddress> addressV6() {
    return hosts.size() > 1
        ? Optional.of(new InetSocketAddress(hosts.get(1), port()))
        : Optional.empty();
  }

  /** The port, the same for UDP and TCP and across {@link #stop()} and {@link #restart()}. */
  public int port() {
    synchronized (lifecycle) {
      return port;
    }
  }

  /** The cluster served. */
  public FakeCluster cluster() {
    return cluster;
  }

  /**
   * A {@code k8s+dns} target naming this server: {@code target("web.shop:grpc")} is {@code
   * k8s+dns://127.0.0.1:<port>/web.shop:grpc}.
   */
  public String target(String serviceAndPort) {
    Objects.requireNonNull(serviceAndPort, "serviceAndPort");
    return "k8s+dns://127.0.0.1:" + port() + "/" + serviceAndPort;
  }

  /** The TTL of every record. */
  public Duration ttl() {
    return Duration.ofSeconds(records.ttlSeconds());
  }

  /** Sets the TTL of every record from the next answer on (whole seconds, 0..2147483647). */
  public void ttl(Duration ttl) {
    records.ttlSeconds(checkTtl(ttl));
  }

  private static long checkTtl(Duration ttl) {
    return Validation.ttlSeconds(ttl);
  }

  /**
   * Declares the addresses of a name outside the cluster zone, answered as an upstream server would
   * (so an ExternalName's CNAME can be followed). Replaces earlier addresses of that name.
   */
  public void externalHost(String name, String... ips) {
    Objects.requireNonNull(name, "name");
    List<InetAddress> list = new ArrayList<>();
    for (String ip : ips) {
      list.add(Validation.ip("external host " + name + " ip", ip));
    }
    Name n = ClusterDnsData.name(name.toLowerCase(Locale.ROOT));
    if (list.isEmpty()) {
      externalHosts.remove(n);
    } else {
      externalHosts.put(n, List.copyOf(list));
    }
  }

  /** Injects {@code fault} into the answers to every query, until cleared or used up. */
  public void inject(DnsFault fault) {
    faults.add(new FaultRule(null, Objects.requireNonNull(fault, "fault")));
  }

  /**
   * Injects {@code fault} into the answers to queries of {@code name} (any case, with or without
   * the trailing dot). Faults for a name win over faults for all.
   */
  public void inject(String name, DnsFault fault) {
    Objects.requireNonNull(name, "name");
    faults.add(new FaultRule(ClusterDnsData.name(name), Objects.requireNonNull(fault, "fault")));
  }

  /** Removes every fault. */
  public void clearFaults() {
    faults.clear();
  }

  /** The queries received, oldest first (the last 10000). */
  public List<DnsQuery> queries() {
    synchronized (queryLog) {
      return List.copyOf(queryLog);
    }
  }

  /** How many queries were received since start (or {@link #clearQueries()}). */
  public long queryCount() {
    return queryCount.get();
  }

  /** How many queries of {@code name} (any case, with or without the trailing dot) are logged. */
  public long queryCount(String name) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    return queries().stream().filter(q -> q.name().equalsIgnoreCase(n)).count();
  }

  /** Forgets the queries received so far. */
  public void clearQueries() {
    synchronized (queryLog) {
      queryLog.clear();
      queryCount.set(0);
    }
  }

  /** Whether it is answering (started, not stopped or closed). */
  public boolean isRunning() {
    synchronized (lifecycle) {
      return sockets != null;
    }
  }

  /**
   * Stops answering and frees the port (queries then time out or are refused), keeping the port
   * number, faults, TTL and query log for {@link #restart()}. Idempotent.
   */
  public void stop() {
    synchronized (lifecycle) {
      if (sockets != null) {
        sockets.close();
        sockets = null;
      }
    }
  }

  /**
   * Answers again on the same port after {@link #stop()}; does nothing while running.
   *
   * @throws IllegalStateException if closed, or if another process took the port meanwhile
   */
  public void restart() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException(
            "FakeDnsServer: closed (expected: restart() before close())");
      }
      if (sockets == null) {
        sockets = DnsSockets.start(hosts, port, this::handle, tcpWorkers);
        port = sockets.port();
      }
    }
  }

  /** Stops for good: frees the port and ends every thread. Idempotent. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      stop();
    }
    records.close();
    timer.shutdownNow();
    tcpWorkers.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
      tcpWorkers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "FakeDnsServer["
        + address()
        + (isRunning() ? "" : " stopped")
        + ", zone="
        + cluster.zone()
        + "]";
  }

  private void handle(byte[] request, boolean tcp, DnsSockets.Reply reply) {
    Message query;
    try {
      query = new Message(request);
    } catch (IOException e) {
      log.debug("Unparseable DNS query of {} bytes dropped: {}", request.length, e.toString());
      return;
    }
    if (query.getHeader().getFlag(Flags.QR)) {
      return; // a response, not a query
    }
    Record question = query.getQuestion();
    Name qname = question == null ? Name.root : question.getName();
    FaultRule rule = matchFault(qname);
    DnsFault.Kind fault = rule == null ? null : rule.fault.kind();
    Message response = DnsResponder.respond(query, records.data(), this::externalHost);
    int max = tcp ? 65535 : udpLimit(query);
    DnsQuery.Transport transport = tcp ? DnsQuery.Transport.TCP : DnsQuery.Transport.UDP;
    if (fault == null) {
      send(reply, DnsTruncation.toWire(response, max), qname, question, transport, null);
      return;
    }
    switch (fault) {
      case DROP -> {
        record(qname, question, transport, fault, null);
        reply.drop();
      }
      case DELAY -> {
        byte[] wire = DnsTruncation.toWire(response, max);
        record(qname, question, transport, fault, wire);
        timer.schedule(() -> reply.send(wire), rule.fault.delay().toNanos(), TimeUnit.NANOSECONDS);
      }
      case SERVFAIL, REFUSED -> {
        Message m = emptyAnswer(query, response);
        m.getHeader().setRcode(fault == DnsFault.Kind.SERVFAIL ? Rcode.SERVFAIL : Rcode.REFUSED);
        send(reply, m.toWire(max), qname, question, transport, fault);
      }
      case TRUNCATE -> {
        if (tcp) {
          send(reply, DnsTruncation.toWire(response, max), qname, question, transport, fault);
        } else {
          Message m = emptyAnswer(query, response);
          m.getHeader().setRcode(response.getHeader().getRcode());
          m.getHeader().setFlag(Flags.TC);
          send(reply, m.toWire(max), qname, question, transport, fault);
        }
      }
      case MALFORMED -> {
        byte[] wire = DnsTruncation.toWire(response, max);
        record(qname, question, transport, fault, null);
        reply.send(Arrays.copyOf(wire, Math.max(2, wire.length - 3)));
      }
      case WRONG_ID -> {
        response.getHeader().setID((query.getHeader().getID() + 1) & 0xFFFF);
        send(reply, DnsTruncation.toWire(response, max), qname, question, transport, fault);
      }
      default -> throw new IllegalStateException("fault " + fault);
    }
  }

  private void send(
      DnsSockets.Reply reply,
      byte[] wire,
      Name qname,
      Record question,
      DnsQuery.Transport transport,
      DnsFault.Kind fault) {
    record(qname, question, transport, fault, wire);
    reply.send(wire);
  }

  /** A response with the header flags and question of {@code response} and no records. */
  private static Message emptyAnswer(Message query, Message response) {
    Message m = new Message(query.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    for (int flag : new int[] {Flags.AA, Flags.RD, Flags.RA}) {
      if (response.getHeader().getFlag(flag)) {
        m.getHeader().setFlag(flag);
      }
    }
    if (query.getQuestion() != null) {
      m.addRecord(query.getQuestion(), Section.QUESTION);
    }
    OPTRecord opt = response.getOPT();
    if (opt != null) {
      m.addRecord(opt, Section.ADDITIONAL);
    }
    return m;
  }

  private static int udpLimit(Message query) {
    OPTRecord opt = query.getOPT();
    if (opt == null) {
      return 512;
    }
    return Math.max(512, Math.min(opt.getPayloadSize(), DnsResponder.EDNS_PAYLOAD));
  }

  private void record(
      Name qname, Record question, DnsQuery.Transport transport, DnsFault.Kind fault, byte[] wire) {
    String rcode = null;
    boolean truncated = false;
    int answers = 0;
    if (wire != null) {
      try {
        Message sent = new Message(wire);
        rcode = Rcode.string(sent.getRcode());
        truncated = sent.getHeader().getFlag(Flags.TC);
        answers = sent.getHeader().getCount(Section.ANSWER);
      } catch (IOException e) {
        rcode = null;
      }
    }
    String name = qname.toString();
    if (name.endsWith(".") && name.length() > 1) {
      name = name.substring(0, name.length() - 1);
    }
    DnsQuery q =
        new DnsQuery(
            name,
            question == null ? "NONE" : Type.string(question.getType()),
            transport,
            fault,
            rcode,
            truncated,
            answers);
    synchronized (queryLog) {
      if (queryLog.size() == LOG_CAPACITY) {
        queryLog.removeFirst();
      }
      queryLog.addLast(q);
      queryCount.incrementAndGet();
    }
  }

  private FaultRule matchFault(Name qname) {
    FaultRule global = null;
    for (FaultRule rule : faults) {
      if (rule.name != null && rule.name.equals(qname)) {
        if (rule.take()) {
          return rule;
        }
      } else if (rule.name == null && global == null && rule.remaining.get() > 0) {
        global = rule;
      }
    }
    if (global != null && global.take()) {
      return global;
    }
    return null;
  }

  private List<InetAddress> externalHost(Name name) {
    return externalHosts.get(name);
  }

  private final class FaultRule {
    final Name name;
    final DnsFault fault;
    final AtomicInteger remaining;

    FaultRule(Name name, DnsFault fault) {
      this.name = name;
      this.fault = fault;
      this.remaining = new AtomicInteger(fault.times());
    }

    /** Uses one of its times; false when used up (and then it removes itself). */
    boolean take() {
      if (fault.times() == Integer.MAX_VALUE) {
        return true;
      }
      int left = remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0);
      if (left <= 1) {
        faults.remove(this);
      }
      return left > 0;
    }
  }

  /** Builds and starts a {@link FakeDnsServer}. */
  public static final class Builder {
    private final FakeCluster cluster;
    private Duration ttl = DEFAULT_TTL;
    private int port;
    private boolean ipv6;

    private Builder(FakeCluster cluster) {
      this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    /** The TTL of every record (default 5 s, CoreDNS's default; kubeadm clusters use 30 s). */
    public Builder ttl(Duration ttl) {
      checkTtl(ttl);
      this.ttl = ttl;
      return this;
    }

    /** The port (default 0: a free one, the same for UDP and TCP). */
    public Builder port(int port) {
      if (port != 0) {
        Validation.port("port", port);
      }
      this.port = port;
      return this;
    }

    /** Whether to answer on {@code ::1} too, on the same port (default false). */
    public Builder ipv6(boolean ipv6) {
      this.ipv6 = ipv6;
      return this;
    }

    /**
     * Starts the server.
     *
     * @throws IllegalStateException if the port cannot be bound
     */
    public FakeDnsServer start() {
      FakeDnsServer server = new FakeDnsServer(this);
      try {
        server.restart();
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      return server;
    }
  }
}
