package io.regionmove.model;

import java.util.List;

/**
 * What the prepare step will copy of one kind of configuration, as a dry run reads it: names, never
 * a secret value.
 *
 * @param copied what will be copied (variable names, collaborator emails, domain names, settings,
 *     process types, notifier names)
 * @param skipped what stays behind (addon-generated variables, pending collaborators)
 * @param summary the line a person reads
 */
public record ConfigPlan(
    ConfigKind kind, List<String> copied, List<String> skipped, String summary) {

  public ConfigPlan {
    copied = copied == null ? List.of() : List.copyOf(copied);
    skipped = skipped == null ? List.of() : List.copyOf(skipped);
  }
}
