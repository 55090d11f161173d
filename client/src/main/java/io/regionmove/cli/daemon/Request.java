package io.regionmove.cli.daemon;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One command as the client hands it to the daemon: the arguments, whether it runs on a terminal
 * (stdin and stdout both are one, as {@code System.console()} tells) and the terminal's width as
 * the CLI reads it ({@code COLUMNS}, null when unset). The environment and the working directory
 * are the daemon's own: they are part of its key.
 */
public final class Request {

  private final String[] args;
  private final boolean terminal;
  private final String columns;

  public Request(String[] args, boolean terminal, String columns) {
    this.args = args.clone();
    this.terminal = terminal;
    this.columns = columns;
  }

  public String[] args() {
    return args.clone();
  }

  public boolean terminal() {
    return terminal;
  }

  public String columns() {
    return columns;
  }

  byte[] encode() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(args.length);
    for (String arg : args) {
      writeString(out, arg);
    }
    out.writeBoolean(terminal);
    out.writeBoolean(columns != null);
    if (columns != null) {
      writeString(out, columns);
    }
    return bytes.toByteArray();
  }

  public static Request decode(byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    int count = in.readInt();
    if (count < 0 || count > payload.length) {
      throw new IOException("not a regionmove daemon request");
    }
    String[] args = new String[count];
    for (int i = 0; i < count; i++) {
      args[i] = readString(in);
    }
    boolean terminal = in.readBoolean();
    String columns = in.readBoolean() ? readString(in) : null;
    return new Request(args, terminal, columns);
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > Frames.MAX_FRAME) {
      throw new IOException("not a regionmove daemon request");
    }
    byte[] utf8 = in.readNBytes(length);
    if (utf8.length != length) {
      throw new EOFException("a truncated regionmove daemon request");
    }
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
