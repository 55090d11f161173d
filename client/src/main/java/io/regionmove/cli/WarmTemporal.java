package io.regionmove.cli;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse;
import io.regionmove.worker.TemporalClients;
import io.temporal.client.WorkflowClient;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.ClientConfigTLS;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CLI daemon's Temporal client, shared by its commands: made once from the environment (the
 * daemon's, which is the commands' own) and checked before each command. When the check fails (the
 * server stopped, restarted, moved) or a file it was made from changed (the configuration file, a
 * TLS certificate or key renewed in place), a new client is made exactly as a command in its own
 * JVM makes one, so an unreachable server is the same exit code 3 and the same sentence; the old
 * one is shut down gracefully (calls in flight finish).
 *
 * <p>Commands that need a client while one is being made wait for it and share its outcome, so a
 * server that does not answer costs them one connection timeout, not one each.
 */
final class WarmTemporal implements Supplier<WorkflowClient> {

  private static final Logger log = LoggerFactory.getLogger(WarmTemporal.class);

  /** A client and the files it was made from, with their size and time then. */
  private record Made(WorkflowClient client, List<Path> files, String stamp) {}

  /** The client, made or being made; null before the first command or after a failed attempt. */
  private CompletableFuture<Made> current;

  @Override
  public WorkflowClient get() {
    CompletableFuture<Made> seen;
    synchronized (this) {
      seen = current;
    }
    if (seen != null && !seen.isDone()) {
      return join(seen).client();
    }
    Made warm = made(seen);
    String changed = warm == null ? null : changedFile(warm);
    if (warm != null && changed == null && answers(warm.client())) {
      return warm.client();
    }
    CompletableFuture<Made> attempt;
    boolean mine = false;
    synchronized (this) {
      if (current == seen) {
        current = new CompletableFuture<>();
        mine = true;
      }
      attempt = current;
    }
    if (mine) {
      if (warm != null) {
        log.info(
            "The CLI daemon connects to Temporal again: {}",
            changed != null ? changed + " changed" : "the server stopped answering");
        warm.client().getWorkflowServiceStubs().shutdown();
      }
      try {
        List<Path> files = files();
        String stamp = stamp(files);
        attempt.complete(new Made(TemporalClients.fromEnvironment(), files, stamp));
      } catch (RuntimeException e) {
        attempt.completeExceptionally(e);
        synchronized (this) {
          if (current == attempt) {
            current = null;
          }
        }
      }
    }
    return join(attempt).client();
  }

  private static Made join(CompletableFuture<Made> attempt) {
    try {
      return attempt.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** Shuts the client down (the daemon is ending). */
  synchronized void close() {
    Made made = made(current);
    if (made != null) {
      made.client().getWorkflowServiceStubs().shutdown();
    }
    current = null;
  }

  private static Made made(CompletableFuture<Made> future) {
    return future != null && future.isDone() && !future.isCompletedExceptionally()
        ? future.join()
        : null;
  }

  /**
   * The files a client is made from: the SDK's configuration file (TEMPORAL_CONFIG_FILE, else the
   * default ones) and the TLS files its profile names.
   */
  static List<Path> files() {
    List<Path> files = new ArrayList<>();
    String named = System.getenv("TEMPORAL_CONFIG_FILE");
    if (named != null && !named.isBlank()) {
      files.add(Path.of(named));
    } else {
      String xdg = System.getenv("XDG_CONFIG_HOME");
      if (xdg != null && !xdg.isBlank()) {
        files.add(Path.of(xdg, "temporalio", "temporal.toml"));
      }
      files.add(Path.of(System.getProperty("user.home"), ".config", "temporalio", "temporal.toml"));
    }
    try {
      ClientConfigProfile profile =
          ClientConfigProfile.load(
              LoadClientConfigProfileOptions.newBuilder().setEnvOverrides(System.getenv()).build());
      ClientConfigTLS tls = profile.getTls();
      if (tls != null) {
        for (String path :
            new String[] {
              tls.getServerCACertPath(), tls.getClientCertPath(), tls.getClientKeyPath()
            }) {
          if (path != null && !path.isBlank()) {
            files.add(Path.of(path));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // the client is refused with the same error when it is made
      log.debug("The CLI daemon reads the Temporal profile", e);
    }
    return files;
  }

  /** Each file's size and modification time, or its absence. */
  static String stamp(List<Path> files) {
    StringBuilder stamp = new StringBuilder();
    for (Path file : files) {
      stamp.append(file).append(' ');
      try {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        stamp.append(attributes.size()).append(' ').append(attributes.lastModifiedTime());
      } catch (IOException e) {
        stamp.append('-');
      }
      stamp.append('\n');
    }
    return stamp.toString();
  }

  /** The first file of {@code made} that changed since, or null. */
  private static String changedFile(Made made) {
    if (stamp(made.files()).equals(made.stamp())) {
      return null;
    }
    for (Path file : made.files()) {
      if (!stamp(List.of(file)).equals(stampLine(made.stamp(), file))) {
        return file.toString();
      }
    }
    return "a Temporal configuration file";
  }

  private static String stampLine(String stamp, Path file) {
    for (String line : stamp.split("\n")) {
      if (line.startsWith(file + " ")) {
        return line + "\n";
      }
    }
    return "";
  }

  /**
   * Whether the client still reaches the server. A channel that is connected answers without a
   * round trip (a server that went away closed the connection, and the channel is no longer READY);
   * any other channel is asked once: one waiting to reconnect fails at once, and a new client is
   * made.
   */
  private static boolean answers(WorkflowClient client) {
    try {
      ManagedChannel channel = client.getWorkflowServiceStubs().getRawChannel();
      if (channel.getState(false) == ConnectivityState.READY) {
        return true;
      }
      return client.getWorkflowServiceStubs().healthCheck().getStatus()
          == HealthCheckResponse.ServingStatus.SERVING;
    } catch (RuntimeException e) {
      log.debug("The CLI daemon's Temporal client failed its health check", e);
      return false;
    }
  }
}
