package io.regionmove.deploy;

import io.regionmove.testkit.RegionmoveTestStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A Temporal cluster started by {@code deploy/temporal-cluster.sh}, as an operator would, on ports
 * of its own (never the fixed dev ports) and with its state in {@code <dir>/cluster}. The server of
 * a {@link RegionmoveTestStack#onServer} stack, whose clients and workers talk to node 1; {@link
 * #close} runs {@code down}.
 */
final class TemporalCluster implements RegionmoveTestStack.ExternalServer {

  private static final Duration UP_TIMEOUT = Duration.ofMinutes(10);

  private final Path script = repositoryRoot().resolve("deploy/temporal-cluster.sh");
  private final int nodes;
  private final boolean tls;
  private Path dir;
  private int portBase;
  private Duration startTime;
  private boolean down;

  private TemporalCluster(int nodes, boolean tls) {
    this.nodes = nodes;
    this.tls = tls;
  }

  /** A cluster of {@code nodes} nodes, the frontends over TLS if {@code tls}; not started yet. */
  static TemporalCluster of(int nodes, boolean tls) {
    return new TemporalCluster(nodes, tls);
  }

  /**
   * {@code temporal-cluster.sh up --nodes N [--tls]} in {@code <dir>/cluster}; fails with its
   * output.
   *
   * @return the Temporal variables of a client of node 1
   */
  @Override
  public Map<String, String> start(Path stackDir) {
    if (dir != null) {
      throw new IllegalStateException("the cluster is already up in " + dir);
    }
    Path clusterDir = stackDir.resolve("cluster");
    portBase = freePortBase(nodes);
    List<String> args =
        new ArrayList<>(
            List.of(
                "up",
                "--nodes",
                Integer.toString(nodes),
                "--port-base",
                Integer.toString(portBase),
                "--dir",
                clusterDir.toString()));
    if (tls) {
      args.add("--tls");
    }
    long started = System.nanoTime();
    String output = run(script, stackDir.resolve("cluster-up.log"), args);
    startTime = Duration.ofNanos(System.nanoTime() - started);
    dir = clusterDir;
    System.out.printf("cluster up in %d ms:%n%s%n", startTime.toMillis(), output);
    return clientEnv(1);
  }

  /** {@code host:port} of node {@code i}'s frontend (from 1). */
  String address(int i) {
    return "127.0.0.1:" + (portBase + 100 * (i - 1));
  }

  /** The Temporal variables of the SDK (and the CLI) for a client of node {@code i}. */
  Map<String, String> clientEnv(int i) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TEMPORAL_ADDRESS", address(i));
    env.put("TEMPORAL_NAMESPACE", "default");
    if (tls) {
      env.put("TEMPORAL_TLS_SERVER_CA_CERT_PATH", caFile().toString());
    }
    return env;
  }

  /** The CA that signed the frontends' certificate (with {@code --tls}). */
  Path caFile() {
    return dir.resolve("tls/ca.pem");
  }

  Duration startTime() {
    return startTime;
  }

  /** The server process of node {@code i}, while it runs. */
  Optional<ProcessHandle> node(int i) {
    if (dir == null) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(Files.readString(dir.resolve("node" + i + "/server.pid")).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The postmaster of the cluster's PostgreSQL, while it runs. */
  Optional<ProcessHandle> postgres() {
    try {
      long pid =
          Long.parseLong(Files.readAllLines(dir.resolve("pg/data/postmaster.pid")).get(0).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** SIGKILLs node {@code i} and waits until it is gone. */
  void kill(int i) {
    ProcessHandle node =
        node(i).orElseThrow(() -> new AssertionError("node" + i + " is not running"));
    node.destroyForcibly();
    try {
      node.onExit().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("node" + i + " did not die: " + e, e);
    }
  }

  /** Node {@code i}'s log: the server's JSON lines. */
  String log(int i) {
    try {
      return Files.readString(dir.resolve("node" + i + "/server.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** {@code temporal-cluster.sh status}: its exit code and output. */
  ScriptResult status() {
    return runForResult(script, List.of("status", "--dir", dir.toString()));
  }

  /** {@code temporal-cluster.sh down}, once; nothing when the cluster never came up. */
  @Override
  public void close() {
    if (dir == null || down) {
      return;
    }
    down = true;
    ScriptResult down = runForResult(script, List.of("down", "--dir", dir.toString()));
    System.out.println("cluster down (exit " + down.exitCode() + "):\n" + down.output());
  }

  /** True when no node's server process runs. */
  boolean allNodesDown() {
    for (int i = 1; i <= nodes; i++) {
      if (node(i).isPresent()) {
        return false;
      }
    }
    return true;
  }

  record ScriptResult(int exitCode, String output) {}

  /** Runs {@code up}; when it fails, runs {@code down} (nothing is left running) and fails. */
  private static String run(Path script, Path log, List<String> args) {
    ScriptResult result = runForResult(script, args);
    try {
      Files.writeString(log, result.output());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (result.exitCode() != 0) {
      ScriptResult down =
          runForResult(script, List.of("down", "--dir", args.get(args.indexOf("--dir") + 1)));
      throw new AssertionError(
          "temporal-cluster.sh "
              + String.join(" ", args)
              + " failed:\n"
              + result.output()
              + "\n(down: "
              + down.output()
              + ")");
    }
    return result.output();
  }

  private static ScriptResult runForResult(Path script, List<String> args) {
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // The script sets the Temporal variables itself for each node it checks.
    builder.environment().keySet().removeIf(name -> name.startsWith("TEMPORAL_"));
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(UP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("temporal-cluster.sh " + args + " did not end in " + UP_TIMEOUT);
      }
      return new ScriptResult(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A port base whose ports (the script's layout: P+100i+{0,1,2,6,10,11}, membership
   * P-300-100i+{0,1,2,6}, PostgreSQL P-250) are all free now.
   */
  private static int freePortBase(int nodes) {
    for (int attempt = 0; attempt < 200; attempt++) {
      // Membership ports are kept in a smallint column, and ports under 32768 stay clear of
      // Linux's ephemeral range.
      int base = ThreadLocalRandom.current().nextInt(12_000, 32_000);
      List<Integer> ports = new ArrayList<>(List.of(base - 250));
      for (int i = 0; i < nodes; i++) {
        for (int offset : new int[] {0, 1, 2, 6, 10, 11}) {
          ports.add(base + 100 * i + offset);
        }
        for (int offset : new int[] {0, 1, 2, 6}) {
          ports.add(base - 300 - 100 * i + offset);
        }
      }
      if (ports.stream().allMatch(TemporalCluster::isFree)) {
        return base;
      }
    }
    throw new AssertionError("no free block of ports for a " + nodes + "-node cluster");
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static Path repositoryRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("deploy/temporal-cluster.sh"))) {
        return d;
      }
    }
    throw new AssertionError(
        "deploy/temporal-cluster.sh not found above " + Path.of("").toAbsolutePath());
  }
}
