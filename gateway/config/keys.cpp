#include "gateway/config/keys.hpp"

namespace sluis::config {

std::span<const Section> sections() {
  return keys::kSections;
}

const Section* find_section(std::string_view name) {
  for (const Section& s : keys::kSections)
    if (s.name == name) return &s;
  return nullptr;
}

const Key* find_key(const Section& section, std::string_view name) {
  for (const Key& k : section.keys)
    if (k.name == name) return &k;
  return nullptr;
}

}  // namespace sluis::config
