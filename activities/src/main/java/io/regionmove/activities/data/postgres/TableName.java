package io.regionmove.activities.data.postgres;

/** A table by schema and name; {@link #toString()} is how logs and failures name it. */
public record TableName(String schema, String name) implements Comparable<TableName> {

  /** The quoted, schema-qualified name for SQL. */
  public String sql() {
    return quote(schema) + "." + quote(name);
  }

  /** An identifier in double quotes, inner quotes doubled. */
  public static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  @Override
  public int compareTo(TableName other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    return schema + "." + name;
  }
}
