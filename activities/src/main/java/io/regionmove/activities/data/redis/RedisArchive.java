package io.regionmove.activities.data.redis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The one-file archive of a redis backup, written front to back so a restore can read it as it
 * grows: a header ({@code REGIONMOVE-REDIS}, the format version, the source server's version), one
 * record per key (its name, its expiry as a Unix time in milliseconds or -1, and its {@code DUMP}
 * payload, which carries its type, its value and a CRC64 of them), then a trailer with the number
 * of records. An archive without its trailer is incomplete.
 */
final class RedisArchive {

  private static final byte[] MAGIC = "REGIONMOVE-REDIS".getBytes(StandardCharsets.US_ASCII);
  private static final int FORMAT = 1;
  private static final int KEY = 'K';
  private static final int END = 'E';
  private static final int BUFFER_BYTES = 1 << 20;

  private RedisArchive() {}

  /**
   * One key as the source held it.
   *
   * @param expireAt Unix time in milliseconds at which the key expires, -1 for never
   */
  record Entry(byte[] key, long expireAt, byte[] payload) {}

  /** Writes an archive; {@link #finish()} writes the trailer that makes it complete. */
  static final class Writer implements Closeable {
    private final DataOutputStream out;
    private long records;
    private long bytes;

    Writer(OutputStream out, String serverVersion) throws IOException {
      this.out = new DataOutputStream(new BufferedOutputStream(out, BUFFER_BYTES));
      this.out.write(MAGIC);
      this.out.writeInt(FORMAT);
      this.out.writeUTF(serverVersion);
      bytes = this.out.size();
    }

    void write(byte[] key, long expireAt, byte[] payload) throws IOException {
      out.writeByte(KEY);
      out.writeInt(key.length);
      out.write(key);
      out.writeLong(expireAt);
      out.writeInt(payload.length);
      out.write(payload);
      records++;
      bytes += 17L + key.length + payload.length;
    }

    /** Writes the trailer and flushes; the archive is complete once the file is synced. */
    void finish() throws IOException {
      out.writeByte(END);
      out.writeLong(records);
      out.flush();
      bytes += 9;
    }

    long records() {
      return records;
    }

    long bytes() {
      return bytes;
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /** Reads an archive record by record; {@link #next()} fails on an incomplete one. */
  static final class Reader implements Closeable {
    private final DataInputStream in;
    private final String serverVersion;
    private long records;
    private long bytes;
    private boolean ended;

    Reader(InputStream in) throws IOException {
      this.in = new DataInputStream(new BufferedInputStream(in, BUFFER_BYTES));
      byte[] magic = new byte[MAGIC.length];
      try {
        this.in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
          throw new IOException("not a regionmove redis archive");
        }
        int format = this.in.readInt();
        if (format != FORMAT) {
          throw new IOException("redis archive format " + format + " is not known here");
        }
        serverVersion = this.in.readUTF();
      } catch (EOFException e) {
        throw new EOFException("the redis archive ends inside its header");
      }
      bytes = MAGIC.length + 4 + 2 + serverVersion.length();
    }

    /** The version of the server the archive was made from. */
    String serverVersion() {
      return serverVersion;
    }

    /** The next key, or null after the last one. */
    Entry next() throws IOException {
      if (ended) {
        return null;
      }
      try {
        int tag = in.readUnsignedByte();
        if (tag == END) {
          long written = in.readLong();
          if (written != records) {
            throw new IOException(
                "the redis archive holds " + records + " keys but its trailer says " + written);
          }
          ended = true;
          bytes += 9;
          return null;
        }
        if (tag != KEY) {
          throw new IOException("the redis archive is damaged after " + records + " keys");
        }
        byte[] key = new byte[in.readInt()];
        in.readFully(key);
        long expireAt = in.readLong();
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        records++;
        bytes += 17L + key.length + payload.length;
        return new Entry(key, expireAt, payload);
      } catch (EOFException e) {
        throw new EOFException("the redis archive ends after " + records + " keys, incomplete");
      } catch (NegativeArraySizeException | OutOfMemoryError e) {
        throw new IOException("the redis archive is damaged after " + records + " keys");
      }
    }

    long records() {
      return records;
    }

    long bytes() {
      return bytes;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
