package io.regionmove.cli;

import io.regionmove.sandbox.SandboxMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "sandbox",
    mixinStandardHelpOptions = true,
    description = "Runs one sandbox region server (Region API and app router) until Ctrl-C.")
final class SandboxCommand implements Callable<Integer> {

  @Option(names = "--region", required = true, paramLabel = "NAME")
  String region;

  @Option(names = "--port", required = true, paramLabel = "PORT")
  int port;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1")
  String host;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Where the region keeps its state (default: REGIONMOVE_HOME or .regionmove).")
  Path stateDir;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "The bearer token (default: generated once, kept in the state).")
  String token;

  @Option(
      names = "--pg-url",
      paramLabel = "URL",
      description =
          "PostgreSQL server for the addons (default: REGIONMOVE_PG_URL, else a private cluster).")
  String pgUrl;

  @Override
  public Integer call() throws InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of("--region", region, "--port", Integer.toString(port), "--host", host));
    args.addAll(
        List.of("--state-dir", (stateDir == null ? RegionmoveCli.home() : stateDir).toString()));
    if (token != null) {
      args.addAll(List.of("--token", token));
    }
    if (pgUrl != null) {
      args.addAll(List.of("--pg-url", pgUrl));
    }
    SandboxMain.main(args.toArray(String[]::new));
    return ExitCodes.OK;
  }
}
