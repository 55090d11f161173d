package io.regionmove.worker.codec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The payload encryption keyring: the current key, which encrypts, and older keys that only
 * decrypt, each known by its id (written in every encrypted payload, so keys can rotate).
 *
 * <p>Read from the environment by {@link #fromEnvironment()}:
 *
 * <ul>
 *   <li>{@value #KEY_ENV}: the current key, 32 bytes in base64 ({@code openssl rand -base64 32}).
 *       Unset: no encryption, payloads are written as plain JSON.
 *   <li>{@value #KEY_ID_ENV}: the current key's id; default: the first 8 hex digits of the SHA-256
 *       of the key.
 *   <li>{@value #OLD_KEYS_ENV}: {@code id:base64,id:base64}, keys that were current before, to read
 *       the history they encrypted.
 * </ul>
 */
public final class EncryptionKeys {

  public static final String KEY_ENV = "REGIONMOVE_ENCRYPTION_KEY";
  public static final String KEY_ID_ENV = "REGIONMOVE_ENCRYPTION_KEY_ID";
  public static final String OLD_KEYS_ENV = "REGIONMOVE_ENCRYPTION_OLD_KEYS";

  static final int KEY_BYTES = 32;
  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final String currentId;
  private final Map<String, SecretKey> keys;

  private EncryptionKeys(String currentId, Map<String, SecretKey> keys) {
    this.currentId = currentId;
    this.keys = Collections.unmodifiableMap(keys);
  }

  /**
   * The keyring the {@code REGIONMOVE_ENCRYPTION_*} variables describe; empty when no key is set.
   */
  public static Optional<EncryptionKeys> fromEnvironment() {
    return from(System.getenv());
  }

  /**
   * The keyring {@code variables} describe; empty when {@value #KEY_ENV} is not set.
   *
   * @throws EncryptionConfigException when a key or id is not valid
   */
  public static Optional<EncryptionKeys> from(Map<String, String> variables) {
    String key = blankToNull(variables.get(KEY_ENV));
    String oldKeys = blankToNull(variables.get(OLD_KEYS_ENV));
    if (key == null) {
      if (oldKeys != null) {
        throw new EncryptionConfigException(
            OLD_KEYS_ENV
                + " is set but "
                + KEY_ENV
                + " is not; set the current key too, or unset both to turn encryption off.");
      }
      return Optional.empty();
    }
    byte[] current = decodeKey(KEY_ENV, key);
    String id = blankToNull(variables.get(KEY_ID_ENV));
    id = id == null ? defaultId(current) : checkId(KEY_ID_ENV, id.trim());
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    keys.put(id, aes(current));
    if (oldKeys != null) {
      for (String entry : oldKeys.split(",")) {
        entry = entry.trim();
        if (entry.isEmpty()) {
          continue;
        }
        int colon = entry.indexOf(':');
        if (colon <= 0) {
          throw new EncryptionConfigException(
              OLD_KEYS_ENV + " has an entry without an id; write it as id:base64key,id:base64key.");
        }
        String oldId = checkId(OLD_KEYS_ENV, entry.substring(0, colon));
        SecretKey old =
            aes(decodeKey(OLD_KEYS_ENV + " (key " + oldId + ")", entry.substring(colon + 1)));
        SecretKey known = keys.putIfAbsent(oldId, old);
        if (known != null && !MessageDigest.isEqual(known.getEncoded(), old.getEncoded())) {
          throw new EncryptionConfigException(
              OLD_KEYS_ENV
                  + " names key id "
                  + oldId
                  + " twice with different keys; a key id must name one key.");
        }
      }
    }
    return Optional.of(new EncryptionKeys(id, keys));
  }

  /** A keyring of one current key, for tests and tools. */
  public static EncryptionKeys of(String id, byte[] key) {
    return new EncryptionKeys(
        checkId("the key id", id), Map.of(id, aes(checkLength("the key", key))));
  }

  /**
   * This keyring with {@code id} as the new current key, every key of this one kept for decoding.
   */
  public EncryptionKeys rotateTo(String id, byte[] key) {
    Map<String, SecretKey> all = new LinkedHashMap<>();
    all.put(checkId("the key id", id), aes(checkLength("the key", key)));
    keys.forEach(all::putIfAbsent);
    return new EncryptionKeys(id, all);
  }

  /** The id of the key that encrypts. */
  public String currentId() {
    return currentId;
  }

  SecretKey current() {
    return keys.get(currentId);
  }

  Optional<SecretKey> find(String id) {
    return Optional.ofNullable(keys.get(id));
  }

  /** The ids of every key, the current one first. */
  public java.util.Set<String> ids() {
    return keys.keySet();
  }

  /** The id given to a key when none is configured: the first 8 hex digits of its SHA-256. */
  public static String defaultId(byte[] key) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(key);
      return java.util.HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static byte[] decodeKey(String where, String base64) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.trim().getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new EncryptionConfigException(
          where + " is not valid base64; make a key with `openssl rand -base64 32`.");
    }
    return checkLength(where, key);
  }

  private static byte[] checkLength(String where, byte[] key) {
    if (key.length != KEY_BYTES) {
      throw new EncryptionConfigException(
          where
              + " decodes to "
              + key.length
              + " bytes, not "
              + KEY_BYTES
              + "; make a key with `openssl rand -base64 32`.");
    }
    return key;
  }

  private static String checkId(String where, String id) {
    if (!KEY_ID.matcher(id).matches()) {
      throw new EncryptionConfigException(
          where
              + " has the key id '"
              + (id.length() > 70 ? id.substring(0, 64) + "..." : id)
              + "'; a key id is 1 to 64 letters, digits, dots, dashes or underscores.");
    }
    return id;
  }

  private static SecretKey aes(byte[] key) {
    return new SecretKeySpec(key, "AES");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  @Override
  public String toString() {
    // Never the keys themselves.
    return "EncryptionKeys[current=" + currentId + ", ids=" + keys.keySet() + "]";
  }
}
