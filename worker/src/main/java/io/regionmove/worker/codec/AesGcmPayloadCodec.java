package io.regionmove.worker.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.temporal.api.common.v1.Payload;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts every payload with AES-256-GCM: the whole payload (its metadata and data) becomes the
 * data of a new payload whose metadata says only {@code encoding: binary/encrypted} and the id of
 * the key ({@code encryption-key-id}). The data is a random 12-byte nonce followed by the
 * ciphertext and its 16-byte tag; the key id is authenticated too.
 *
 * <p>Decoding picks the key by the payload's id, so history written with an older key stays
 * readable while that key is in the keyring. A payload that is not encrypted decodes as it is
 * (history written before encryption was turned on).
 */
public final class AesGcmPayloadCodec implements PayloadCodec {

  public static final String ENCODING = "binary/encrypted";
  public static final String METADATA_ENCODING = "encoding";
  public static final String METADATA_KEY_ID = "encryption-key-id";

  private static final ByteString ENCODING_BYTES = ByteString.copyFromUtf8(ENCODING);
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final EncryptionKeys keys;
  private final SecureRandom random = new SecureRandom();

  public AesGcmPayloadCodec(EncryptionKeys keys) {
    this.keys = keys;
  }

  public EncryptionKeys keys() {
    return keys;
  }

  @Override
  public List<Payload> encode(List<Payload> payloads) {
    List<Payload> encoded = new ArrayList<>(payloads.size());
    for (Payload payload : payloads) {
      encoded.add(encrypt(payload));
    }
    return encoded;
  }

  @Override
  public List<Payload> decode(List<Payload> payloads) {
    List<Payload> decoded = new ArrayList<>(payloads.size());
    for (Payload payload : payloads) {
      decoded.add(isEncrypted(payload) ? decrypt(payload) : payload);
    }
    return decoded;
  }

  public static boolean isEncrypted(Payload payload) {
    return ENCODING_BYTES.equals(payload.getMetadataMap().get(METADATA_ENCODING));
  }

  private Payload encrypt(Payload payload) {
    String keyId = keys.currentId();
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] ciphertext;
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.current(), nonce, keyId);
      ciphertext = cipher.doFinal(payload.toByteArray());
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException(
          "Cannot encrypt a payload with key " + keyId + ": " + e.getMessage(), e);
    }
    return Payload.newBuilder()
        .putMetadata(METADATA_ENCODING, ENCODING_BYTES)
        .putMetadata(METADATA_KEY_ID, ByteString.copyFromUtf8(keyId))
        .setData(
            ByteString.copyFrom(
                ByteBuffer.allocate(nonce.length + ciphertext.length)
                    .put(nonce)
                    .put(ciphertext)
                    .array()))
        .build();
  }

  private Payload decrypt(Payload payload) {
    ByteString id = payload.getMetadataMap().get(METADATA_KEY_ID);
    if (id == null || id.isEmpty()) {
      throw new PayloadCodecException(
          "An encrypted payload has no " + METADATA_KEY_ID + "; it was not written by regionmove.");
    }
    String keyId = id.toString(StandardCharsets.UTF_8);
    SecretKey key =
        keys.find(keyId)
            .orElseThrow(
                () ->
                    new PayloadCodecException(
                        "A payload is encrypted with key id "
                            + keyId
                            + ", which is not configured (known: "
                            + String.join(", ", keys.ids())
                            + "); add it to "
                            + EncryptionKeys.OLD_KEYS_ENV
                            + " as "
                            + keyId
                            + ":BASE64KEY."));
    byte[] data = payload.getData().toByteArray();
    if (data.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new PayloadCodecException(
          "A payload encrypted with key " + keyId + " is too short to be valid; it was altered.");
    }
    byte[] plain;
    try {
      Cipher cipher =
          cipher(Cipher.DECRYPT_MODE, key, java.util.Arrays.copyOf(data, NONCE_BYTES), keyId);
      plain = cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new PayloadCodecException(
          "A payload encrypted with key "
              + keyId
              + " does not decrypt: it was altered, or the key with this id is not the one that encrypted it.",
          e);
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException(
          "Cannot decrypt a payload with key " + keyId + ": " + e.getMessage(), e);
    }
    try {
      return Payload.parseFrom(plain);
    } catch (InvalidProtocolBufferException e) {
      throw new PayloadCodecException(
          "A payload decrypted with key " + keyId + " is not a payload.", e);
    }
  }

  private static Cipher cipher(int mode, SecretKey key, byte[] nonce, String keyId)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    // Binds the ciphertext to its key id: a payload relabelled with another id does not decrypt.
    cipher.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
    return cipher;
  }
}
