package io.regionmove.cli;

import io.regionmove.activities.config.Regions;
import io.regionmove.client.BatchClient;
import io.regionmove.client.MigrationClient.Step;
import io.regionmove.client.MigrationIndex;
import io.regionmove.model.Batch;
import io.regionmove.model.BatchRequest;
import io.regionmove.model.Phase;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "migration-batch",
    mixinStandardHelpOptions = true,
    description =
        "Migrates many apps of the --region to another region: one migration per app, at most N"
            + " at once, each driven through the step asked.")
final class MigrationBatchCommand implements Callable<Integer> {

  /** How many apps are looked up in the source region at once. */
  private static final int LOOKUPS = 8;

  private static final int NAMES_SHOWN = 10;
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  @ParentCommand RegionmoveCli root;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "REGION",
      description = "The destination region.")
  String destination;

  @Option(
      names = "--apps",
      split = ",",
      paramLabel = "APP",
      description = "The apps to migrate, comma-separated.")
  List<String> apps;

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "A file naming the apps, one per line; '#' starts a comment.")
  Path file;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      defaultValue = "" + BatchRequest.DEFAULT_CONCURRENCY,
      description = "How many migrations run at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--through",
      paramLabel = "STEP",
      defaultValue = "finalize",
      description = "The last step each migration runs: prepare, data or finalize (default).")
  String through;

  @Option(
      names = "--live",
      description =
          "Move the PostgreSQL data in live data mode: replicated while each app keeps running;"
              + " --through data leaves each migration data-replicating, finalize is the cutover.")
  boolean live;

  @Option(
      names = {"-y", "--yes"},
      description = "Do not ask for confirmation.")
  boolean yes;

  @Override
  public Integer call() {
    String source = root.requireRegion();
    InputChecks.region("--to", destination);
    List<String> list = appList();
    Phase step = step(through);
    if (live && step == Phase.PREPARE) {
      throw new CliException(
          ExitCodes.USAGE,
          "--live is the mode of the data step, and --through prepare stops before it; pass"
              + " --through data or finalize, or leave --live out.");
    }
    if (concurrency < 1) {
      throw new CliException(
          ExitCodes.USAGE,
          "--concurrency "
              + concurrency
              + " is not a number of migrations at once; pass 1 or more (default "
              + BatchRequest.DEFAULT_CONCURRENCY
              + ").");
    }
    if (destination.equals(source)) {
      throw new CliException(
          ExitCodes.FAILED,
          "Cannot migrate the batch: the destination region is the source region ("
              + source
              + "); pass another region to --to.");
    }
    try (Session session = root.session()) {
      Regions regions = session.requireRegions();
      RegionAccess sourceRegion = new RegionAccess(session.region(regions, source));
      sourceRegion.probe();
      new RegionAccess(session.region(regions, destination)).probe();
      requireExisting(sourceRegion, source, list);
      if (session.console().isTerminal() && !root.yes && !yes && !root.json) {
        confirm(session.console(), source, list, step);
      }
      BatchClient batches =
          new BatchClient(
              session.temporal(), new MigrationIndex(session.home().resolve("migrations.json")));
      String id =
          batches.start(
              list, source, destination, concurrency, step, live, EnvironmentSettings.read());
      if (!root.json) {
        session.console().println("Batch ID: " + id);
        session
            .console()
            .println(
                "Migrating "
                    + list.size()
                    + " app(s) from "
                    + source
                    + " to "
                    + destination
                    + ", "
                    + concurrency
                    + " at once, through "
                    + step
                    + (live && step != Phase.PREPARE ? " in live data mode" : "")
                    + ". Abort them all with: "
                    + NextCommands.PROGRAM
                    + " migration-batch-abort "
                    + id);
      }
      Batch first = batches.awaitFirstStatus(id, START_TIMEOUT);
      BatchActions actions =
          new BatchActions(batches, session.migrations(), session.console(), root.json);
      return actions.report(actions.watch(first, batches.result(id)));
    }
  }

  /** The apps of --apps or --file, checked: well-formed names, each once, at most the maximum. */
  private List<String> appList() {
    if ((apps == null) == (file == null)) {
      throw new CliException(
          ExitCodes.USAGE,
          apps == null
              ? "No apps given: pass --apps a,b,c or --file FILE."
              : "Pass either --apps or --file, not both.");
    }
    List<String> list = new ArrayList<>();
    if (apps != null) {
      for (String app : apps) {
        list.add(InputChecks.app("--apps", app.strip()));
      }
    } else {
      List<String> lines = readLines(file);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        int comment = line.indexOf('#');
        String app = (comment >= 0 ? line.substring(0, comment) : line).strip();
        if (!app.isEmpty()) {
          list.add(InputChecks.app(file + " line " + (i + 1) + ":", app));
        }
      }
    }
    if (list.isEmpty()) {
      throw new CliException(
          ExitCodes.USAGE, "The app list " + (file == null ? "" : file + " ") + "names no app.");
    }
    Set<String> seen = new HashSet<>();
    for (String app : list) {
      if (!seen.add(app)) {
        throw new CliException(
            ExitCodes.USAGE, "App " + app + " is listed twice; list each app once.");
      }
    }
    if (list.size() > BatchRequest.MAX_APPS) {
      throw new CliException(
          ExitCodes.USAGE,
          "A batch holds at most "
              + BatchRequest.MAX_APPS
              + " apps and this list has "
              + list.size()
              + "; split it into several batches.");
    }
    return list;
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      String why =
          e instanceof NoSuchFileException
              ? "no such file"
              : e instanceof AccessDeniedException
                  ? "permission denied"
                  : e instanceof CharacterCodingException
                      ? "it is not UTF-8 text"
                      : Files.isDirectory(file) ? "it is a directory" : e.getMessage();
      throw new CliException(
          ExitCodes.USAGE,
          "Cannot read the app list "
              + file
              + " ("
              + why
              + "); pass a readable file with one app per line.",
          e);
    }
  }

  static Phase step(String through) {
    return switch (through == null ? "" : through.strip().toLowerCase(Locale.ROOT)) {
      case "prepare" -> Phase.PREPARE;
      case "data" -> Phase.DATA;
      case "finalize" -> Phase.FINALIZE;
      default ->
          throw new CliException(
              ExitCodes.USAGE,
              "--through '" + through + "' is not a step; pass prepare, data or finalize.");
    };
  }

  /** Every app must exist in the source region before anything starts. */
  private static void requireExisting(RegionAccess region, String source, List<String> apps) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(LOOKUPS, apps.size()));
    try {
      List<Future<Boolean>> found = new ArrayList<>();
      for (String app : apps) {
        found.add(pool.submit(() -> region.appExists(app)));
      }
      List<String> unknown = new ArrayList<>();
      for (int i = 0; i < apps.size(); i++) {
        if (!found.get(i).get()) {
          unknown.add(apps.get(i));
        }
      }
      if (unknown.isEmpty()) {
        return;
      }
      String names =
          String.join(", ", unknown.subList(0, Math.min(NAMES_SHOWN, unknown.size())))
              + (unknown.size() > NAMES_SHOWN
                  ? " and " + (unknown.size() - NAMES_SHOWN) + " more"
                  : "");
      throw new CliException(
          ExitCodes.FAILED,
          (unknown.size() == 1
                  ? "App " + names + " does not exist in " + source
                  : unknown.size() + " apps do not exist in " + source + ": " + names)
              + "; fix the list, nothing was started.");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "Interrupted; nothing was started.");
    } finally {
      pool.shutdownNow();
    }
  }

  private void confirm(Console console, String source, List<String> list, Phase step) {
    console.println(
        "This will migrate "
            + list.size()
            + " app(s) from "
            + source
            + " to "
            + destination
            + ", "
            + concurrency
            + " at once: "
            + String.join(", ", list.subList(0, Math.min(NAMES_SHOWN, list.size())))
            + (list.size() > NAMES_SHOWN ? " and " + (list.size() - NAMES_SHOWN) + " more" : "")
            + ".");
    console.println("Each migration will:");
    Step data = live ? Step.DATA_LIVE : Step.DATA;
    List<Step> steps =
        switch (step) {
          case PREPARE -> List.of(Step.PREPARE);
          case DATA -> List.of(Step.PREPARE, data);
          default -> List.of(Step.PREPARE, data, Step.FINALIZE);
        };
    for (Step s : steps) {
      List<String> operations =
          s == Step.FINALIZE && live
              ? MigrationRunCommand.cutoverOperations()
              : MigrationRunCommand.operations(s);
      operations.forEach(o -> console.println("  - " + o));
    }
    if (!console.confirm("Continue?")) {
      throw new CliException(ExitCodes.FAILED, "Cancelled; nothing was done.");
    }
  }
}
