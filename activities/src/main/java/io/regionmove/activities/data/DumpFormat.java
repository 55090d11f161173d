package io.regionmove.activities.data;

/** The pg_dump archive formats a backup may be made in; both let pg_restore run parallel jobs. */
public enum DumpFormat {
  /** One file ({@code pg_dump -Fc}); pg_restore parallelises it because the file is seekable. */
  CUSTOM("c", "dump"),
  /** A directory of one file per table ({@code pg_dump -Fd}); pg_dump itself runs parallel jobs. */
  DIRECTORY("d", "dir");

  private final String flag;
  private final String entryName;

  DumpFormat(String flag, String entryName) {
    this.flag = flag;
    this.entryName = entryName;
  }

  /** The letter given to {@code --format}. */
  public String flag() {
    return flag;
  }

  /** The name of the archive (file or directory) inside a backup. */
  public String entryName() {
    return entryName;
  }
}
