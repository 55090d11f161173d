package io.regionmove.activities.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryBackupStoreTest {

  private static final String ID = "0b7e6a1c-2f1e-4c55-9f5e-1d2c3b4a5f60/ad-1";

  @TempDir Path root;

  @Test
  void aStagedBackupIsNotCompleteUntilPut() throws Exception {
    DirectoryBackupStore store = new DirectoryBackupStore(root);
    Path staging = store.stage(ID);
    Path archive = staging.resolve(DumpFormat.CUSTOM.entryName());
    Files.writeString(archive, "half a dump");
    assertFalse(store.exists(ID));
    assertTrue(store.manifest(ID).isEmpty());

    store.put(ID, archive, manifest(archive));
    assertTrue(store.exists(ID));
    assertEquals("half a dump", Files.readString(store.open(ID)));
    assertEquals(Map.of("public.t", 3L), store.manifest(ID).orElseThrow().rowCounts());
    assertFalse(Files.exists(staging));
  }

  @Test
  void aBackupWithAnUnreadableManifestIsNotComplete() throws Exception {
    DirectoryBackupStore store = new DirectoryBackupStore(root);
    Path staging = store.stage(ID);
    Path archive = staging.resolve(DumpFormat.CUSTOM.entryName());
    Files.writeString(archive, "dump");
    store.put(ID, archive, manifest(archive));
    Files.writeString(root.resolve(ID).resolve(DirectoryBackupStore.MANIFEST), "{\"backupId\": ");
    assertFalse(store.exists(ID));
  }

  @Test
  void deleteRemovesTheBackupAndHalfWrittenAttemptsAndToleratesNothing() throws Exception {
    DirectoryBackupStore store = new DirectoryBackupStore(root);
    assertFalse(store.delete(ID));
    Path first = store.stage(ID);
    Path archive = first.resolve(DumpFormat.CUSTOM.entryName());
    Files.writeString(archive, "dump");
    store.put(ID, archive, manifest(archive));
    Files.writeString(store.stage(ID).resolve("dump"), "crashed attempt");

    assertTrue(store.delete(ID));
    try (Stream<Path> left = Files.walk(root)) {
      assertEquals(List.of(root), left.toList());
    }
  }

  @Test
  void aManifestWrittenBeforeEnginesNamedTheirArchiveIsStillRead() throws Exception {
    DirectoryBackupStore store = new DirectoryBackupStore(root);
    Path dir = Files.createDirectories(root.resolve(ID));
    Files.writeString(dir.resolve("dump"), "wave-1 dump");
    Files.writeString(
        dir.resolve(DirectoryBackupStore.MANIFEST),
        """
        {"backupId": "%s", "format": "CUSTOM", "sizeBytes": 11, "sha256": "%s",
         "tables": ["public.t"], "rowCounts": {"public.t": 3}, "serverVersion": "15.0",
         "createdAt": "2025-01-01T00:00:00Z"}
        """
            .formatted(ID, ArchiveDigest.sha256(dir.resolve("dump"))));

    BackupManifest manifest = store.manifest(ID).orElseThrow();
    assertEquals("CUSTOM", manifest.format());
    assertEquals(DumpFormat.CUSTOM.entryName(), manifest.entry());
    assertEquals("wave-1 dump", Files.readString(store.open(ID)));
  }

  @Test
  void anEngineNamesItsOwnArchiveEntry() throws Exception {
    DirectoryBackupStore store = new DirectoryBackupStore(root);
    Path staging = store.stage(ID);
    Path archive = staging.resolve("dump.sql");
    Files.writeString(archive, "-- MariaDB dump");
    assertEquals(archive, store.archiveBeingWritten(ID, "dump.sql").orElseThrow());
    assertTrue(store.archiveBeingWritten(ID, DumpFormat.CUSTOM.entryName()).isEmpty());
    store.put(
        ID,
        archive,
        new BackupManifest(
            ID,
            "mariadb-dump",
            "dump.sql",
            Files.size(archive),
            ArchiveDigest.sha256(archive),
            List.of("t"),
            Map.of("t", 1L),
            "10.11",
            Instant.parse("2025-01-01T00:00:00Z")));
    assertEquals("mariadb-dump", store.manifest(ID).orElseThrow().format());
    assertEquals(root.resolve(ID).resolve("dump.sql"), store.open(ID));
    assertEquals("-- MariaDB dump", Files.readString(store.open(ID)));
  }

  @Test
  void idsThatWouldEscapeTheRootAreRefused() {
    DirectoryBackupStore store = new DirectoryBackupStore(root);
    assertThrows(IllegalArgumentException.class, () -> store.stage("../etc/passwd"));
    assertThrows(IllegalArgumentException.class, () -> store.stage("m/../x"));
    assertThrows(IllegalArgumentException.class, () -> store.stage("no-slash"));
  }

  private static BackupManifest manifest(Path archive) throws Exception {
    return new BackupManifest(
        ID,
        DumpFormat.CUSTOM,
        Files.size(archive),
        ArchiveDigest.sha256(archive),
        List.of("public.t"),
        Map.of("public.t", 3L),
        "15.0",
        Instant.parse("2025-01-01T00:00:00Z"));
  }
}
