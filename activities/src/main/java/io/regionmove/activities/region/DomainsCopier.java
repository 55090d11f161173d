package io.regionmove.activities.region;

import static io.regionmove.activities.region.Wording.counted;
import static io.regionmove.activities.region.Wording.listed;

import io.regionmove.model.ConfigKind;
import io.regionmove.model.ConfigPlan;
import io.regionmove.regionapi.Domain;
import io.regionmove.regionapi.RegionClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Custom domains with their TLS certificates and keys (copied region to region, never shown). */
final class DomainsCopier implements ConfigCopier {

  @Override
  public ConfigPlan plan(RegionClient source, String app) {
    List<Domain> domains = source.listDomains(app);
    List<String> names = domains.stream().map(Domain::name).toList();
    List<String> shown =
        domains.stream()
            .map(d -> d.name() + (d.hasCertificate() ? " (with its TLS certificate)" : ""))
            .toList();
    return new ConfigPlan(
        ConfigKind.DOMAINS, names, List.of(), listed(domains.size(), "domain", shown));
  }

  @Override
  public List<String> copy(ConfigMove move) {
    List<Domain> domains = move.source().listDomains(move.app());
    List<String> copied = new ArrayList<>();
    for (Domain domain : domains) {
      move.destination().addDomain(move.newName(), domain);
      copied.add(domain.name() + (domain.hasCertificate() ? " (with its TLS certificate)" : ""));
    }
    return List.of(counted("Copied", copied.size(), "domain", copied));
  }

  @Override
  public List<String> remove(ConfigMove move) {
    Set<String> copied = move.copiedNames(c -> c.listDomains(move.app()), d -> true, Domain::name);
    List<String> removed = new ArrayList<>();
    for (Domain domain : move.destination().listDomains(move.newName())) {
      if ((copied == null || copied.contains(domain.name()))
          && move.destination().removeDomain(move.newName(), domain.name())) {
        removed.add(domain.name());
      }
    }
    return List.of(counted("Removed", removed.size(), "domain", removed));
  }
}
