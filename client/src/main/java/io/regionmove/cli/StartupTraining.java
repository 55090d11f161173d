package io.regionmove.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.regionmove.worker.TemporalClients;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.envconfig.ClientConfigProfile;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The workload the launcher runs once per jar to make the CLI's class-data archive (AppCDS, {@code
 * -XX:ArchiveClassesAtExit}): the short commands as a person runs them (help, {@code migrations},
 * {@code migration-follow}, a refused id, a usage error), against a stand-in Temporal frontend on
 * loopback that answers the calls they make. The classes they load are the archive; nothing here
 * touches a real server, a region or the user's files.
 */
public final class StartupTraining {

  private static final String ID = UUID.randomUUID().toString();
  private static final String UNKNOWN = UUID.randomUUID().toString();

  private StartupTraining() {}

  public static void main(String[] args) throws Exception {
    Path log = Files.createTempFile("regionmove-training", ".log");
    System.setProperty(RegionmoveCli.LOG_FILE_PROPERTY, log.toString());
    System.setProperty(RegionmoveCli.CONSOLE_LEVEL_PROPERTY, "OFF");
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus(WorkflowServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(new Frontend())
            .addService(health.getHealthService())
            .build()
            .start();
    try {
      ClientConfigProfile.load();
      String address = "127.0.0.1:" + server.getPort();
      for (boolean terminal : new boolean[] {false, true}) {
        for (List<String> command : commands()) {
          Console console = new Console(discard(), discard(), terminal);
          RegionmoveCli root =
              new RegionmoveCli(
                  console, () -> TemporalClients.connect(address, null, Optional.empty()));
          RegionmoveCli.run(root, command.toArray(String[]::new));
        }
      }
    } finally {
      server.shutdownNow();
      Files.deleteIfExists(log);
    }
    System.exit(0);
  }

  private static List<List<String>> commands() {
    String[] app = {"--region", "agora-fr1", "--app", "my-app"};
    return List.of(
        List.of("--help"),
        List.of("--version"),
        List.of(app[0], app[1], app[2], app[3], "migrations"),
        List.of(app[0], app[1], app[2], app[3], "--json", "migrations"),
        List.of(app[0], app[1], app[2], app[3], "migration-follow", ID),
        List.of(app[0], app[1], app[2], app[3], "migration-follow", UNKNOWN),
        List.of(app[0], app[1], app[2], app[3], "migration-follow", "not-an-id"),
        List.of("migration-run", "--help"),
        List.of("migration-abort", "--help"),
        List.of("migration-create", "--help"),
        List.of("migrations", "--no-such-option"));
  }

  private static PrintStream discard() {
    return new PrintStream(OutputStream.nullOutputStream(), true);
  }

  /** A frontend that knows one finished migration, {@link #ID}. */
  private static final class Frontend extends WorkflowServiceGrpc.WorkflowServiceImplBase {

    private final Instant started = Instant.now().minusSeconds(3600);

    @Override
    public void getSystemInfo(
        GetSystemInfoRequest request, StreamObserver<GetSystemInfoResponse> response) {
      response.onNext(
          GetSystemInfoResponse.newBuilder()
              .setServerVersion("1.28.0")
              .setCapabilities(
                  GetSystemInfoResponse.Capabilities.newBuilder()
                      .setSignalAndQueryHeader(true)
                      .setInternalErrorDifferentiation(true)
                      .setActivityFailureIncludeHeartbeat(true)
                      .setSupportsSchedules(true)
                      .setEncodedFailureAttributes(true)
                      .setUpsertMemo(true)
                      .setEagerWorkflowStart(true)
                      .setSdkMetadata(true)
                      .setCountGroupByExecutionStatus(true))
              .build());
      response.onCompleted();
    }

    @Override
    public void listWorkflowExecutions(
        ListWorkflowExecutionsRequest request,
        StreamObserver<ListWorkflowExecutionsResponse> response) {
      response.onNext(
          ListWorkflowExecutionsResponse.newBuilder()
              .addExecutions(
                  WorkflowExecutionInfo.newBuilder()
                      .setExecution(
                          WorkflowExecution.newBuilder()
                              .setWorkflowId(ID)
                              .setRunId(UUID.randomUUID().toString()))
                      .setType(
                          WorkflowType.newBuilder().setName(AppMigrationWorkflow.WORKFLOW_TYPE))
                      .setStartTime(timestamp(started))
                      .setStatus(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)
                      .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
                      .setSearchAttributes(
                          SearchAttributes.newBuilder()
                              .putIndexedFields("RegionMigrationApp", keyword("my-app"))
                              .putIndexedFields("RegionMigrationSource", keyword("agora-fr1"))
                              .putIndexedFields("RegionMigrationDestination", keyword("osc-fr1"))
                              .putIndexedFields("RegionMigrationStatus", keyword("done"))))
              .build());
      response.onCompleted();
    }

    @Override
    public void queryWorkflow(
        QueryWorkflowRequest request, StreamObserver<QueryWorkflowResponse> response) {
      if (!request.getExecution().getWorkflowId().equals(ID)) {
        response.onError(
            Status.NOT_FOUND
                .withDescription("workflow not found for ID: " + request.getExecution())
                .asRuntimeException());
        return;
      }
      response.onNext(
          QueryWorkflowResponse.newBuilder()
              .setQueryResult(Payloads.newBuilder().addPayloads(json(migration())))
              .build());
      response.onCompleted();
    }

    private String migration() {
      String step =
          """
          {"id":%d,"name":"%s","status":"done","logs":["%s"],"startedAt":"%s","finishedAt":"%s"}""";
      return """
          {"id":"%s","app":"my-app","newName":"my-app","source":"agora-fr1","destination":"osc-fr1",
           "status":"done","steps":[%s,%s],"errors":[],"checks":[],
           "url":"http://my-app.osc-fr1.localhost/","cnames":[{"domain":"my-app.example.com",
           "host":"my-app.osc-fr1.localhost"}],"startedAt":"%s","finishedAt":"%s"}"""
          .formatted(
              ID,
              step.formatted(
                  0, "Check app my-app in agora-fr1", "App my-app exists.", started, started),
              step.formatted(1, "Start app my-app in osc-fr1", "Started.", started, started),
              started,
              started.plusSeconds(60));
    }
  }

  private static Payload keyword(String value) {
    return json("\"" + value + "\"").toBuilder()
        .putMetadata("type", ByteString.copyFromUtf8("Keyword"))
        .build();
  }

  private static Payload json(String json) {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFromUtf8(json))
        .build();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
