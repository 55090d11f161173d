package io.regionmove.cli.daemon;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The wire protocol between the client and the daemon: frames of a type byte, a length and that
 * many bytes, in both directions over one Unix-domain socket per command.
 *
 * <pre>
 * client                                 daemon
 * HELLO (the key's text)          -&gt;
 *                                 &lt;-     READY, or REFUSED (another key, or closing)
 * REQUEST (argv, terminal, COLUMNS) -&gt;   from here on the command runs: no fallback
 *                                 &lt;-     STDOUT / STDERR bytes, READ (a line is wanted)
 * STDIN bytes (empty: end)        -&gt;
 * SIGNAL (2, 15, 1)               -&gt;     the command's interrupt hooks run
 *                                 &lt;-     EXIT (the exit code)
 * </pre>
 *
 * Writes are atomic per frame (several threads write); one thread reads.
 */
public final class Frames {

  public static final byte HELLO = 'H';
  public static final byte READY = 'R';
  public static final byte REFUSED = 'N';
  public static final byte REQUEST = 'Q';
  public static final byte STDOUT = 'O';
  public static final byte STDERR = 'E';
  public static final byte READ = 'D';
  public static final byte STDIN = 'I';
  public static final byte SIGNAL = 'S';
  public static final byte EXIT = 'X';

  /** No frame is larger: a larger length means the stream is not this protocol. */
  static final int MAX_FRAME = 16 << 20;

  private final SocketChannel channel;
  private final ByteBuffer header = ByteBuffer.allocate(5);
  private byte type;
  private byte[] payload;

  public Frames(SocketChannel channel) {
    this.channel = channel;
  }

  public SocketChannel channel() {
    return channel;
  }

  /** Sends one frame. */
  public void write(byte type, byte[] data, int offset, int length) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(5);
    head.put(type).putInt(length).flip();
    ByteBuffer body = ByteBuffer.wrap(data, offset, length);
    synchronized (this) {
      while (head.hasRemaining() || body.hasRemaining()) {
        channel.write(new ByteBuffer[] {head, body});
      }
    }
  }

  public void write(byte type, byte[] data) throws IOException {
    write(type, data, 0, data.length);
  }

  public void writeInt(byte type, int value) throws IOException {
    write(type, ByteBuffer.allocate(4).putInt(value).array());
  }

  /**
   * Reads the next frame: its {@link #type()} and {@link #payload()}.
   *
   * @throws EOFException when the other side closed the connection
   */
  public void read() throws IOException {
    header.clear();
    fill(header);
    header.flip();
    type = header.get();
    int length = header.getInt();
    if (length < 0 || length > MAX_FRAME) {
      throw new IOException("not a regionmove daemon frame");
    }
    ByteBuffer body = ByteBuffer.allocate(length);
    fill(body);
    payload = body.array();
  }

  public byte type() {
    return type;
  }

  public byte[] payload() {
    return payload;
  }

  public int payloadInt() {
    return ByteBuffer.wrap(payload).getInt();
  }

  private void fill(ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new EOFException("the connection closed");
      }
    }
  }
}
