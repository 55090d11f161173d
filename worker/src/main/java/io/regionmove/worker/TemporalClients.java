package io.regionmove.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.regionmove.worker.codec.AesGcmPayloadCodec;
import io.regionmove.worker.codec.EncryptionKeys;
import io.regionmove.workflows.MigrationSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.ClientConfigTLS;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one factory for Temporal clients: the worker, the CLI and the dev stack all connect here.
 *
 * <p>{@link #fromEnvironment()} reads the SDK's environment configuration ({@code
 * TEMPORAL_ADDRESS}, {@code TEMPORAL_NAMESPACE}, {@code TEMPORAL_API_KEY}, the {@code
 * TEMPORAL_TLS_*} variables, {@code TEMPORAL_PROFILE} and the profiles of {@code
 * TEMPORAL_CONFIG_FILE}); with nothing set it connects to {@value #DEFAULT_ADDRESS}, namespace
 * {@value #DEFAULT_NAMESPACE}. Every client returned has answered a health check.
 *
 * <p>When {@value EncryptionKeys#KEY_ENV} is set, every client encrypts its payloads with {@link
 * AesGcmPayloadCodec} (see {@link EncryptionKeys} for the variables); unset, payloads are plain
 * JSON. Workers and clients of one namespace must share the keys.
 */
public final class TemporalClients {

  public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
  public static final String DEFAULT_NAMESPACE = "default";

  /** How long a client waits for the server to answer its first health check. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(TemporalClients.class);

  private TemporalClients() {}

  /**
   * A client configured from the environment, connected.
   *
   * @throws TemporalUnreachableException when the server does not answer within {@link
   *     #CONNECT_TIMEOUT}, or the TLS settings prevent the connection (a CA file missing or not a
   *     certificate, a server certificate the CA does not trust)
   * @throws UncheckedIOException when the configuration file cannot be read
   * @throws IllegalArgumentException when the configuration is not valid (for example, a profile
   *     the file does not define, or an encryption key that is not 32 bytes of base64)
   */
  public static WorkflowClient fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * As {@link #fromEnvironment()}, the Temporal variables read from {@code env} instead of the
   * process's environment (the encryption keys still come from the process's environment).
   */
  public static WorkflowClient fromEnvironment(Map<String, String> env) {
    Optional<EncryptionKeys> keys = EncryptionKeys.fromEnvironment();
    ClientConfigProfile profile;
    try {
      profile =
          ClientConfigProfile.load(
              LoadClientConfigProfileOptions.newBuilder().setEnvOverrides(env).build());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "The Temporal client configuration cannot be read ("
              + e.getMessage()
              + "); check TEMPORAL_CONFIG_FILE and TEMPORAL_PROFILE.",
          e);
    }
    String address =
        profile.getAddress() == null || profile.getAddress().isBlank()
            ? DEFAULT_ADDRESS
            : profile.getAddress();
    checkTlsFiles(profile.getTls(), address);
    WorkflowServiceStubsOptions stubs;
    try {
      stubs = profile.toWorkflowServiceStubsOptions();
    } catch (RuntimeException e) {
      // Only the TLS settings fail here: the files exist, so one is not what it should be.
      throw new TemporalUnreachableException(
          address,
          "The Temporal TLS files cannot be used ("
              + rootMessage(e)
              + "); TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_CLIENT_CERT_PATH and"
              + " TEMPORAL_TLS_CLIENT_KEY_PATH must name PEM certificates and keys.",
          e);
    }
    if (stubs.getTarget() == null && stubs.getChannel() == null) {
      stubs = WorkflowServiceStubsOptions.newBuilder(stubs).setTarget(DEFAULT_ADDRESS).build();
    }
    WorkflowClientOptions client = withEncryption(profile.toWorkflowClientOptions(), keys);
    return connect(stubs, client, profile.getTls());
  }

  /** A TLS file that is named but missing is the most common TLS mistake: name it. */
  private static void checkTlsFiles(ClientConfigTLS tls, String address) {
    if (tls == null) {
      return;
    }
    checkReadable(
        tls.getServerCACertPath(),
        "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
        "the certificate of the CA that signed the server's certificate",
        address);
    checkReadable(
        tls.getClientCertPath(),
        "TEMPORAL_TLS_CLIENT_CERT_PATH",
        "this client's certificate",
        address);
    checkReadable(
        tls.getClientKeyPath(), "TEMPORAL_TLS_CLIENT_KEY_PATH", "this client's key", address);
  }

  private static void checkReadable(String path, String variable, String what, String address) {
    if (path == null || path.isBlank() || Files.isReadable(Path.of(path))) {
      return;
    }
    throw new TemporalUnreachableException(
        address,
        "The TLS file "
            + path
            + " ("
            + variable
            + ") "
            + (Files.exists(Path.of(path)) ? "cannot be read" : "does not exist")
            + "; point "
            + variable
            + " at "
            + what
            + ".",
        null);
  }

  /**
   * A client of {@code namespace} on the server at {@code address} ({@code host:port}, plain text),
   * connected, encrypting payloads when the environment sets a key.
   */
  public static WorkflowClient connect(String address, String namespace) {
    return connect(address, namespace, EncryptionKeys.fromEnvironment());
  }

  /**
   * As {@link #connect(String, String)}, with the given keys (empty: no encryption) instead of the
   * environment's.
   */
  public static WorkflowClient connect(
      String address, String namespace, Optional<EncryptionKeys> keys) {
    return connect(
        WorkflowServiceStubsOptions.newBuilder().setTarget(address).build(),
        withEncryption(
            WorkflowClientOptions.newBuilder()
                .setNamespace(
                    namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace)
                .build(),
            keys),
        null);
  }

  /**
   * The data converter of every client: Temporal's default, its payloads encrypted with {@code
   * keys} when there are keys. Failure messages and stack traces are encrypted too: they may name
   * apps and hosts.
   */
  public static DataConverter dataConverter(Optional<EncryptionKeys> keys) {
    DataConverter json = DefaultDataConverter.newDefaultInstance();
    return keys.<DataConverter>map(
            k -> new CodecDataConverter(json, List.of(new AesGcmPayloadCodec(k)), true))
        .orElse(json);
  }

  private static WorkflowClientOptions withEncryption(
      WorkflowClientOptions options, Optional<EncryptionKeys> keys) {
    if (keys.isEmpty()) {
      return options;
    }
    log.debug("Payloads encrypted with key {}", keys.get().currentId());
    return WorkflowClientOptions.newBuilder(options).setDataConverter(dataConverter(keys)).build();
  }

  private static WorkflowClient connect(
      WorkflowServiceStubsOptions stubsOptions,
      WorkflowClientOptions clientOptions,
      ClientConfigTLS tls) {
    String address =
        stubsOptions.getTarget() == null ? "the configured channel" : stubsOptions.getTarget();
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(stubsOptions);
    try {
      stubs.connect(CONNECT_TIMEOUT);
    } catch (StatusRuntimeException e) {
      stubs.shutdownNow();
      throw new TemporalUnreachableException(
          address,
          tlsFailure(e, address, tls, stubsOptions.getSslContext() != null)
              .orElse(
                  "Cannot reach the Temporal server at "
                      + address
                      + " within "
                      + CONNECT_TIMEOUT.toSeconds()
                      + " s ("
                      + e.getStatus().getCode()
                      + "); start it (regionmove dev, temporal server start-dev) or set"
                      + " TEMPORAL_ADDRESS."),
          e);
    }
    WorkflowClient client = WorkflowClient.newInstance(stubs, clientOptions);
    log.debug(
        "Connected to Temporal at {}, namespace {}", address, client.getOptions().getNamespace());
    return client;
  }

  /** The one sentence for a connection that failed on TLS, if it did. */
  private static Optional<String> tlsFailure(
      StatusRuntimeException e, String address, ClientConfigTLS tls, boolean usesTls) {
    String ca =
        tls != null && tls.getServerCACertPath() != null && !tls.getServerCACertPath().isBlank()
            ? "the CA in " + tls.getServerCACertPath() + " (TEMPORAL_TLS_SERVER_CA_CERT_PATH)"
            : "the system's trusted CAs";
    SSLException handshake = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
        return Optional.of(
            "The Temporal server at "
                + address
                + " presented a TLS certificate that "
                + ca
                + " does not trust; set TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that signed it.");
      }
      if (t instanceof CertificateException && String.valueOf(t.getMessage()).contains("match")) {
        return Optional.of(
            "The TLS certificate of the Temporal server at "
                + address
                + " does not hold the name asked for ("
                + rootMessage(t)
                + "); set TEMPORAL_TLS_SERVER_NAME to a name it holds.");
      }
      if (t.getClass().getSimpleName().equals("NotSslRecordException")) {
        return Optional.of(
            "The Temporal server at "
                + address
                + " does not use TLS; unset the TEMPORAL_TLS_* variables (or set"
                + " TEMPORAL_TLS=false).");
      }
      if (t instanceof SSLException ssl && handshake == null) {
        handshake = ssl;
      }
    }
    if (handshake != null) {
      return Optional.of(
          "The TLS handshake with the Temporal server at "
              + address
              + " failed ("
              + rootMessage(handshake)
              + "); check the TEMPORAL_TLS_* variables.");
    }
    // A TLS server drops a plain-text client's connection without a word.
    String description = String.valueOf(e.getStatus().getDescription());
    if (!usesTls && description.contains("Network closed")) {
      return Optional.of(
          "The Temporal server at "
              + address
              + " closed the connection at once; if it uses TLS, set"
              + " TEMPORAL_TLS_SERVER_CA_CERT_PATH to its CA (or TEMPORAL_TLS=true).");
    }
    return Optional.empty();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    m = m.replaceAll("\\s+", " ").trim();
    return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
  }

  /**
   * Registers the Keyword search attributes of {@link MigrationSearchAttributes} in the client's
   * namespace. Idempotent: an attribute that already exists is left as it is. A server without the
   * operator service does nothing.
   *
   * @throws StatusRuntimeException for any other refusal (for example, missing permission)
   */
  public static void registerSearchAttributes(WorkflowClient client) {
    WorkflowServiceStubs stubs = client.getWorkflowServiceStubs();
    // Same target, TLS, API key and metadata as the client's own connection.
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder(stubs.getOptions()).build());
    String namespace = client.getOptions().getNamespace();
    try {
      for (SearchAttributeKey<String> key : MigrationSearchAttributes.ALL) {
        try {
          operator
              .blockingStub()
              .addSearchAttributes(
                  AddSearchAttributesRequest.newBuilder()
                      .setNamespace(namespace)
                      .putSearchAttributes(
                          key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
                      .build());
          log.info("Registered search attribute {} in namespace {}", key.getName(), namespace);
        } catch (StatusRuntimeException e) {
          Status.Code code = e.getStatus().getCode();
          if (code == Status.Code.ALREADY_EXISTS) {
            log.debug("Search attribute {} already registered", key.getName());
          } else if (code == Status.Code.UNIMPLEMENTED) {
            log.debug("The server has no operator service; search attributes not registered");
            return;
          } else {
            throw e;
          }
        }
      }
    } finally {
      operator.shutdown();
      operator.awaitTermination(2, TimeUnit.SECONDS);
    }
  }
}
