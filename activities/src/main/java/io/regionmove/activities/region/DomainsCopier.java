package io.regionmove.activities.region;

import static io.regionmove.activities.region.Wording.counted;

import io.regionmove.regionapi.Domain;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Custom domains with their TLS certificates and keys (copied region to region, never shown). */
final class DomainsCopier implements ConfigCopier {

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
