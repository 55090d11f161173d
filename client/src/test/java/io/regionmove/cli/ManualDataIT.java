package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.activities.config.Regions;
import io.regionmove.regionapi.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An addon that holds data regionmove cannot move (the sandbox's metadata-only mongodb) end to end
 * against {@code regionmove dev} (SPEC §8): create refuses it with the command that accepts it;
 * with {@code --manual-data} the migration goes through, the addon is provisioned empty, and the
 * data and finalize outputs remind which data to move by hand.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManualDataIT {

  private static final String SOURCE = "agora-fr1";
  private static final String DESTINATION = "osc-fr1";
  private static final Pattern ID =
      Pattern.compile("^Migration ID: ([0-9a-f-]{36})$", Pattern.MULTILINE);

  @RegisterExtension static final DevProcess dev = new DevProcess();

  private Map<String, String> env;
  private Regions regions;

  @BeforeAll
  void connect() {
    env = dev.env();
    regions = dev.regions();
  }

  @Test
  void appWithAMongodbAddonIsRefusedThenMovesWithManualData() throws Exception {
    String app = "docs-app";
    seed(app, 500);
    String mongodb = MetadataOnlyAddon.addMongodb(regions.get(SOURCE), app);
    String sentence = "Addon mongodb " + mongodb + " holds data that regionmove cannot move.";
    String hint =
        "regionmove --region agora-fr1 --app docs-app migration-create --to osc-fr1 --manual-data "
            + mongodb;

    CliProcess.Result refused =
        cli("--region", SOURCE, "--app", app, "migration-create", "--to", DESTINATION);
    assertEquals(1, refused.exitCode(), refused.toString());
    assertTrue(refused.stdout().contains("  - " + sentence + "\n"), refused.toString());
    assertTrue(refused.stdout().contains("  " + hint + "\n"), refused.toString());
    assertEquals(
        "The migration cannot go ahead: " + sentence, refused.stderr().strip(), refused.toString());

    CliProcess.Result created = cli(hint.substring("regionmove ".length()).split(" "));
    assertEquals(0, created.exitCode(), created.toString());
    assertTrue(
        created.stdout().contains("Your app can be migrated to the osc-fr1 zone."),
        created.toString());
    Matcher id = ID.matcher(created.stdout());
    assertTrue(id.find(), created.toString());
    String migration = id.group(1);

    ok("--region", SOURCE, "--app", app, "migration-run", "--prepare", migration);
    CliProcess.Result data =
        ok("--region", SOURCE, "--app", app, "migration-run", "--data", migration);
    String reminder =
        "Move the data of addon mongodb " + mongodb + " by hand: regionmove could not.";
    assertFalse(data.stdout().contains("Data has been migrated"), data.toString());
    assertTrue(
        data.stdout()
            .contains(
                "The data of the other addons has been migrated to the 'osc-fr1' region; these"
                    + " addons were provisioned empty:\n"
                    + reminder
                    + "\n"),
        data.toString());
    assertTrue(data.stdout().contains("  [done] Verify postgresql addon "), data.toString());
    assertFalse(data.stdout().contains("Back up mongodb"), data.toString());

    List<String> providers = new ArrayList<>();
    api(DESTINATION)
        .get("/v1/apps/" + app + "/addons")
        .body()
        .path("addons")
        .forEach(a -> providers.add(a.path("provider").asText()));
    providers.sort(null);
    assertEquals(List.of("mongodb", "postgresql"), providers, "both addons provisioned");
    List<DataIntegrity.Line> tables =
        DataIntegrity.compare(
            api(SOURCE).postgresqlUrl(app).orElseThrow(),
            api(DESTINATION).postgresqlUrl(app).orElseThrow());
    assertFalse(tables.isEmpty());
    tables.forEach(t -> assertTrue(t.matches(), "table " + t));

    CliProcess.Result done =
        ok("--region", SOURCE, "--app", app, "migration-run", "--finalize", migration);
    assertTrue(done.stdout().contains("Your application is now available at: "), done.toString());
    assertTrue(done.stdout().contains(reminder + "\n"), done.toString());

    CliProcess.Result shown =
        ok("--json", "--region", SOURCE, "--app", app, "migration-follow", migration);
    JsonNode json = Json.mapper().readTree(shown.stdout());
    assertEquals(mongodb, json.path("manualData").get(0).asText(), shown.toString());
  }

  @Test
  void manualDataNamingNoAddonOfTheAppIsAUsageError() {
    seed("nodocs-app", 10);

    CliProcess.Result r =
        cli(
            "--region",
            SOURCE,
            "--app",
            "nodocs-app",
            "migration-create",
            "--to",
            DESTINATION,
            "--manual-data",
            "ad-nope");

    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(
        r.stderr()
            .strip()
            .startsWith(
                "--manual-data 'ad-nope' is not an addon of app nodocs-app in agora-fr1; its"
                    + " addons are "),
        r.toString());
    assertEquals(1, r.stderr().strip().lines().count(), r.toString());
    assertFalse(r.stdout().contains("Migration ID"), r.toString());
  }

  // ---- helpers ------------------------------------------------------------------------------

  private CliProcess.Result cli(String... args) {
    return CliProcess.run(env, List.of(args));
  }

  private CliProcess.Result ok(String... args) {
    CliProcess.Result r = cli(args);
    assertEquals(0, r.exitCode(), r.toString());
    return r;
  }

  private void seed(String app, int rows) {
    ok("sandbox-seed", "--region", SOURCE, "--app", app, "--rows", Integer.toString(rows));
  }

  private RegionApi api(String region) {
    return new RegionApi(regions.get(region));
  }
}
