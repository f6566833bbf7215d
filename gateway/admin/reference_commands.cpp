#include "gateway/admin/reference_commands.hpp"

namespace sluis::admin {

void add_reference_commands(Registry& registry, ReferenceControl control) {
  registry.add("reference-get", "The loaded reference lists (CBS codes, product codes) and contracts: files and sizes.",
               Access::open, [describe = control.describe](const Request&) {
                 return ok("reference lists", describe());
               });
  registry.add("reference-reload",
               "Re-read the reference lists and the contracts; on any error the loaded ones stay.", Access::change,
               [control](const Request&) {
                 std::string err = control.reload();
                 if (!err.empty()) return error("reference lists not reloaded: " + err);
                 return ok("reference lists reloaded", control.describe());
               });
}

}  // namespace sluis::admin
