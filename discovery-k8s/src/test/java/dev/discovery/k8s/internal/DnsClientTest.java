package dev.discovery.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A TC answer over TCP: servers cut from the end, so a record kept after the answer section means
 * the answer section is whole (CoreDNS sets TC when only additional records were dropped).
 */
class DnsClientTest {
  private static final Name SRV = name("_grpc._tcp.web.shop.svc.cluster.local.");
  private static final Name POD = name("web-0.web.shop.svc.cluster.local.");

  @Test
  void truncatedWithAdditionalRecordsKept_hasItsWholeAnswerSection() throws Exception {
    Message m = truncatedSrvAnswer();
    m.addRecord(
        new ARecord(POD, DClass.IN, 5, InetAddress.getByName("10.0.0.1")), Section.ADDITIONAL);

    assertThat(DnsClient.answerSectionWhole(m)).isTrue();
  }

  @Test
  void truncatedWithNothingAfterTheAnswer_mayHaveLostAnswers() {
    Message m = truncatedSrvAnswer();
    m.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL); // EDNS is no record of the answer

    assertThat(DnsClient.answerSectionWhole(m)).isFalse();
  }

  private static Message truncatedSrvAnswer() {
    Message m = Message.newQuery(Record.newRecord(SRV, Type.SRV, DClass.IN));
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.TC);
    m.addRecord(new SRVRecord(SRV, DClass.IN, 5, 0, 100, 50051, POD), Section.ANSWER);
    return m;
  }

  private static Name name(String text) {
    try {
      return Name.fromString(text);
    } catch (org.xbill.DNS.TextParseException e) {
      throw new AssertionError(e);
    }
  }
}
