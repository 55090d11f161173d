package io.regionmove.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.regionmove.testkit.TestDirectory;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client and the daemon read each other's frames and requests over a Unix-domain socket. */
class FramesTest {

  private Path directory;
  private SocketChannel clientSide;
  private SocketChannel daemonSide;

  @BeforeEach
  void connect() throws IOException {
    directory = TestDirectory.create("FramesTest");
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(directory.resolve("t.sock"));
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(address);
      clientSide = SocketChannel.open(address);
      daemonSide = server.accept();
    }
  }

  @AfterEach
  void close() throws IOException {
    clientSide.close();
    daemonSide.close();
    TestDirectory.delete(directory);
  }

  @Test
  void framesArriveWithTheirTypeAndBytesInOrder() throws IOException {
    Frames client = new Frames(clientSide);
    Frames daemon = new Frames(daemonSide);
    client.write(Frames.HELLO, "key\u00e9".getBytes(StandardCharsets.UTF_8));
    client.write(Frames.STDIN, new byte[0]);
    byte[] big = new byte[300_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) i;
    }
    Thread writer =
        new Thread(
            () -> {
              try {
                client.write(Frames.STDIN, big, 1000, big.length - 1000);
                client.writeInt(Frames.SIGNAL, 15);
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            });
    writer.start();

    daemon.read();
    assertEquals(Frames.HELLO, daemon.type());
    assertEquals("key\u00e9", new String(daemon.payload(), StandardCharsets.UTF_8));
    daemon.read();
    assertEquals(Frames.STDIN, daemon.type());
    assertEquals(0, daemon.payload().length);
    daemon.read();
    assertEquals(Frames.STDIN, daemon.type());
    byte[] expected = new byte[big.length - 1000];
    System.arraycopy(big, 1000, expected, 0, expected.length);
    assertArrayEquals(expected, daemon.payload());
    daemon.read();
    assertEquals(Frames.SIGNAL, daemon.type());
    assertEquals(15, daemon.payloadInt());
  }

  @Test
  void theOtherSideClosingEndsTheReadWithEof() throws IOException {
    Frames daemon = new Frames(daemonSide);
    // half a header, then the end
    clientSide.write(ByteBuffer.wrap(new byte[] {Frames.STDOUT, 0, 0}));
    clientSide.close();
    assertThrows(EOFException.class, daemon::read);
  }

  @Test
  void aStreamThatIsNotTheProtocolIsRefused() throws IOException {
    Frames daemon = new Frames(daemonSide);
    // "GET /" as a header: a length of 1 GB
    clientSide.write(ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)));
    IOException e = assertThrows(IOException.class, daemon::read);
    assertEquals("not a regionmove daemon frame", e.getMessage());
  }

  @Test
  void aRequestKeepsItsArgumentsTerminalAndWidth() throws IOException {
    Request sent =
        new Request(
            new String[] {"--app", "my app", "migration-follow", "", "ünïcode"}, true, "132");
    Request read = Request.decode(sent.encode());
    assertArrayEquals(sent.args(), read.args());
    assertEquals(true, read.terminal());
    assertEquals("132", read.columns());

    Request plain = Request.decode(new Request(new String[0], false, null).encode());
    assertEquals(0, plain.args().length);
    assertEquals(false, plain.terminal());
    assertNull(plain.columns());
  }

  @Test
  void aTruncatedOrForgedRequestIsRefused() throws IOException {
    byte[] whole = new Request(new String[] {"migrations"}, false, null).encode();
    byte[] truncated = new byte[whole.length - 4];
    System.arraycopy(whole, 0, truncated, 0, truncated.length);
    assertThrows(IOException.class, () -> Request.decode(truncated));
    // a count of arguments larger than the payload could hold
    byte[] forged = ByteBuffer.allocate(8).putInt(1 << 30).putInt(0).array();
    assertThrows(IOException.class, () -> Request.decode(forged));
  }
}
