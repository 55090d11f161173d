package io.regionmove.worker.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationSettings;
import io.regionmove.model.MigrationStatus;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.worker.RegionmoveWorker;
import io.regionmove.worker.TemporalClients;
import io.regionmove.workflows.AppMigrationLockWorkflow;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.regionmove.workflows.AppMigrationWorkflowImpl;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A whole migration with payload encryption on the worker and the client: what Temporal stores
 * holds no plaintext payload, while a client with the key reads the migration as usual.
 */
class EncryptedHistoryIT {

  private static final String APP = "cipher-app";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @RegisterExtension static final RegionmoveTestStack stack = RegionmoveTestStack.onDevServer();

  private static WorkflowClient encrypted;
  private static RegionmoveWorker worker;

  @BeforeAll
  static void startEncryptingWorker() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    encrypted =
        TemporalClients.connect(
            stack.temporalAddress(),
            RegionmoveTestStack.NAMESPACE,
            Optional.of(EncryptionKeys.of("it-key", key)));
    worker =
        RegionmoveWorker.start(
            encrypted, stack.regions(), new RegionmoveWorker.Options(Set.of(), stack.backupDir()));
  }

  @AfterAll
  static void stopEncryptingWorker() {
    if (worker != null) {
      worker.close();
    }
    if (encrypted != null) {
      encrypted.getWorkflowServiceStubs().shutdownNow();
    }
  }

  @Test
  void historyStoredInTemporalHoldsNoPlaintextPayload() {
    stack.seedSourceApp(APP, 100);
    String id = UUID.randomUUID().toString();
    AppMigrationWorkflow migration = start(id);
    RegionmoveTestStack.awaitPreflightSuccess(migration);

    // A refused update's sentence travels encrypted and still reads clearly with the key.
    WorkflowUpdateException refused =
        assertThrows(WorkflowUpdateException.class, migration::finalizeMigration);
    assertEquals(
        "cannot run finalize: the migration is preflight-success; run prepare first",
        ((ApplicationFailure) refused.getCause()).getOriginalMessage());

    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());
    assertEquals(MigrationStatus.DATA_MIGRATED, migration.data().status());
    Migration done = migration.finalizeMigration();
    assertEquals(MigrationStatus.DONE, done.status(), () -> "finalize: " + done);

    // Read as stored, through the test stack's client, which has no codec.
    WorkflowClient raw = stack.client();
    List<Payload> payloads = new ArrayList<>();
    List<Payload> versionMarkers = new ArrayList<>();
    for (HistoryEvent event : raw.fetchHistory(AppMigrationWorkflow.workflowId(id)).getEvents()) {
      if (event.hasMarkerRecordedEventAttributes()
          && event.getMarkerRecordedEventAttributes().getMarkerName().equals("Version")) {
        // Workflow.getVersion's marker is written by the SDK with its standard converter, never
        // through the codec (VersionMarkerUtils); it holds the change id and the version only.
        collectPayloads(event, versionMarkers);
        continue;
      }
      collectPayloads(event, payloads);
    }
    for (Payload marker : versionMarkers) {
      String data = marker.getData().toStringUtf8();
      assertTrue(
          data.equals("\"" + AppMigrationWorkflowImpl.RESTORE_WHILE_BACKING_UP + "\"")
              || data.matches("-?\\d+"),
          () -> "a version marker holds only a change id and a version: " + data);
    }
    try {
      for (HistoryEvent event :
          raw.fetchHistory(AppMigrationLockWorkflow.lockId(RegionmoveTestStack.SOURCE, APP))
              .getEvents()) {
        collectPayloads(event, payloads);
      }
    } catch (WorkflowNotFoundException e) {
      // the lock is the migration's child; with no history of its own there is nothing to check
    }
    assertTrue(payloads.size() > 20, "a whole migration has many payloads: " + payloads.size());
    for (Payload payload : payloads) {
      assertTrue(
          AesGcmPayloadCodec.isEncrypted(payload), () -> "a plain payload in history: " + payload);
      assertEquals(
          "it-key", payload.getMetadataOrThrow(AesGcmPayloadCodec.METADATA_KEY_ID).toStringUtf8());
      String data = payload.getData().toString(StandardCharsets.ISO_8859_1);
      for (String plaintext :
          List.of(APP, "preflight", "\"status\"", "agora-fr1", "osc-fr1", "json/plain")) {
        assertFalse(data.contains(plaintext), () -> "a payload holds '" + plaintext + "'");
      }
      assertFalse(isJson(payload.getData().toByteArray()), () -> "a payload is JSON: " + data);
    }

    // Without the key the status cannot be read; with it, it reads as usual.
    AppMigrationWorkflow rawStub =
        raw.newWorkflowStub(AppMigrationWorkflow.class, AppMigrationWorkflow.workflowId(id));
    assertThrows(RuntimeException.class, rawStub::status);
    Migration status =
        encrypted
            .newWorkflowStub(AppMigrationWorkflow.class, AppMigrationWorkflow.workflowId(id))
            .status();
    assertEquals(MigrationStatus.DONE, status.status());
    assertEquals(APP, status.app());
  }

  /**
   * Whether {@code data} is one whole JSON value (ciphertext starts with a random nonce, so a first
   * byte of '{' proves nothing).
   */
  private static boolean isJson(byte[] data) {
    try {
      JSON.readTree(data);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static AppMigrationWorkflow start(String id) {
    MigrationRequest request =
        new MigrationRequest(
            id,
            APP,
            APP,
            RegionmoveTestStack.SOURCE,
            RegionmoveTestStack.DESTINATION,
            new MigrationSettings(null, null, RegionmoveTestStack.HEARTBEAT_TIMEOUT));
    AppMigrationWorkflow stub =
        encrypted.newWorkflowStub(
            AppMigrationWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(AppMigrationWorkflow.workflowId(id))
                .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
                .setStaticSummary("Migrate " + APP)
                .build());
    WorkflowClient.start(stub::run, request);
    return stub;
  }

  /**
   * Every payload anywhere in {@code message}, except search attributes: the server indexes those,
   * so they are never encoded (they hold the app and region names, which are not secret).
   */
  private static void collectPayloads(Message message, List<Payload> into) {
    if (message instanceof Payload payload) {
      into.add(payload);
      return;
    }
    if (message instanceof SearchAttributes) {
      return;
    }
    for (var field : message.getAllFields().entrySet()) {
      FieldDescriptor descriptor = field.getKey();
      if (descriptor.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (descriptor.isRepeated()) {
        for (Object element : (List<?>) field.getValue()) {
          collect(element, into);
        }
      } else {
        collect(field.getValue(), into);
      }
    }
  }

  private static void collect(Object value, List<Payload> into) {
    // Map entries are messages too, so a map of payloads is walked like any other field.
    if (value instanceof Message m) {
      collectPayloads(m, into);
    }
  }
}
