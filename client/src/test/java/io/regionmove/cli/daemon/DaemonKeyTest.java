package io.regionmove.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.testkit.TestDirectory;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A command goes to a daemon only when the jar, the JDK, the working directory and every variable
 * the commands read are the daemon's own; the client's own switches are not part of the key.
 */
class DaemonKeyTest {

  private Path directory;
  private File jar;
  private Map<String, String> env;

  @BeforeEach
  void setUp() throws IOException {
    directory = TestDirectory.create("DaemonKeyTest");
    jar = Files.writeString(directory.resolve("regionmove.jar"), "jar").toFile();
    env = new HashMap<>();
    env.put("TEMPORAL_ADDRESS", "127.0.0.1:7233");
    env.put("REGIONMOVE_HOME", "/home/me/.regionmove");
    env.put("PATH", "/usr/bin");
  }

  @AfterEach
  void tearDown() {
    TestDirectory.delete(directory);
  }

  private DaemonKey key(Map<String, String> variables) {
    return DaemonKey.of(jar, "/jdk17", "/work", variables, directory.resolve("daemon"));
  }

  @Test
  void theSameCommandContextIsTheSameKey() {
    DaemonKey a = key(env);
    DaemonKey b = key(new HashMap<>(env));
    assertEquals(a.text(), b.text());
    assertEquals(a.socket(), b.socket());
    assertTrue(
        a.socket().getFileName().toString().matches("[0-9a-f]{16}\\.sock"), a.socket().toString());
  }

  @Test
  void everyVariableTheCommandsReadChangesTheKey() {
    String base = key(env).text();
    for (String variable :
        new String[] {
          "TEMPORAL_ADDRESS",
          "TEMPORAL_API_KEY",
          "TEMPORAL_CONFIG_FILE",
          "REGIONMOVE_HOME",
          "REGIONMOVE_ENCRYPTION_KEY",
          "NO_COLOR",
          "HOME",
          "XDG_CONFIG_HOME",
          "LANG",
          "TZ",
          "JAVA_TOOL_OPTIONS"
        }) {
      Map<String, String> changed = new HashMap<>(env);
      changed.put(variable, "other");
      DaemonKey other = key(changed);
      assertNotEquals(base, other.text(), variable);
      assertNotEquals(key(env).socket(), other.socket(), variable);
    }
  }

  @Test
  void theClientsOwnSwitchesAndUnreadVariablesDoNotChangeTheKey() {
    String base = key(env).text();
    Map<String, String> changed = new HashMap<>(env);
    changed.put("REGIONMOVE_DAEMON", "on");
    changed.put("REGIONMOVE_DAEMON_TRACE", "1");
    changed.put("REGIONMOVE_LAUNCHER", "/opt/regionmove/regionmove");
    changed.put("PATH", "/opt/bin:/usr/bin");
    changed.put("COLUMNS", "200"); // sent with each request
    assertEquals(base, key(changed).text());
  }

  @Test
  void anotherJarJdkOrDirectoryIsAnotherKey() throws IOException {
    String base = key(env).text();
    assertNotEquals(
        base, DaemonKey.of(jar, "/jdk21", "/work", env, directory.resolve("daemon")).text());
    assertNotEquals(
        base, DaemonKey.of(jar, "/jdk17", "/elsewhere", env, directory.resolve("daemon")).text());
    // the same path rebuilt: another time stamp
    Files.setLastModifiedTime(jar.toPath(), FileTime.fromMillis(jar.lastModified() - 60_000));
    assertNotEquals(base, key(env).text());
  }

  @Test
  void theDirectoryIsTheUsersRuntimeDirectoryElseUnderHome() {
    assertEquals(
        Path.of("/run/user/1000/regionmove"),
        DaemonKey.directory(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), "/home/me"));
    assertEquals(
        Path.of("/home/me/.regionmove/daemon"),
        DaemonKey.directory(Map.of("XDG_RUNTIME_DIR", "relative"), "/home/me"));
    assertEquals(Path.of("/home/me/.regionmove/daemon"), DaemonKey.directory(Map.of(), "/home/me"));
  }

  @Test
  void onlyADirectoryClosedToOthersIsPrivate() throws IOException {
    DaemonKey key = key(env);
    assertFalse(key.directoryIsPrivate(), "missing");
    Files.createDirectories(key.directory());
    Files.setPosixFilePermissions(key.directory(), PosixFilePermissions.fromString("rwxr-xr-x"));
    assertFalse(key.directoryIsPrivate(), "readable by others");
    Files.setPosixFilePermissions(key.directory(), PosixFilePermissions.fromString("rwx------"));
    assertTrue(key.directoryIsPrivate());
    // a symbolic link to a private directory is not the directory
    Path link = directory.resolve("link");
    Files.createSymbolicLink(link, key.directory());
    assertFalse(DaemonKey.of(jar, "/jdk17", "/work", env, link).directoryIsPrivate());
  }

  @Test
  void aSocketPathTooLongForLinuxIsNoDaemon() {
    DaemonKey deep = DaemonKey.of(jar, "/jdk17", "/work", env, Path.of("/" + "d".repeat(100)));
    assertFalse(deep.socketPathFits());
    assertTrue(
        DaemonKey.of(jar, "/jdk17", "/work", env, Path.of("/run/user/0/regionmove"))
            .socketPathFits());
  }

  @Test
  void theShortCommandsGoToTheDaemonUnlessSwitchedOff() {
    Map<String, String> none = Map.of();
    assertEquals("migrations", DaemonClient.servedCommand(new String[] {"migrations"}, none));
    assertEquals(
        "migration-follow",
        DaemonClient.servedCommand(
            new String[] {"--region", "agora-fr1", "--app", "migrations", "migration-follow", "x"},
            none));
    assertEquals("", DaemonClient.servedCommand(new String[] {"--help"}, none));
    assertEquals("", DaemonClient.servedCommand(new String[0], none));
    // the long-running commands, --verbose (its logs are its JVM's), the switches
    assertNull(DaemonClient.servedCommand(new String[] {"worker"}, none));
    assertNull(DaemonClient.servedCommand(new String[] {"dev", "--help"}, none));
    assertNull(DaemonClient.servedCommand(new String[] {"-v", "migrations"}, none));
    assertNull(DaemonClient.servedCommand(new String[] {"migrations", "--verbose"}, none));
    assertNull(
        DaemonClient.servedCommand(
            new String[] {"migrations"}, Map.of("REGIONMOVE_DAEMON", "off")));
    assertNull(
        DaemonClient.servedCommand(
            new String[] {"migrations"}, Map.of("REGIONMOVE_JAVA_OPTS", "-Xmx64m")));
  }
}
