// Directory drop: delivers a message as a file for a back office that reads a
// directory. The file name is built from sluis's own message id
// (<id>.xml; never from header values). Written as ".<id>.xml.tmp" (a reader
// must skip names starting with a dot), fsynced, renamed into place
// (atomic: a reader never sees a partial file), then the directory fsynced
// so the rename survives a crash. The pickup is seen when the file is gone.
// A redelivery after a crash writes the same name again: the back office
// de-duplicates by file name.
//
// Threading: the file work runs on a small blocking pool, so a slow file
// system holds only its own lane.
#pragma once

#include <filesystem>

#include "gateway/core/thread_name.hpp"
#include "gateway/route/transport.hpp"

namespace sluis::route {

class DropTransport final : public Transport {
 public:
  explicit DropTransport(std::filesystem::path directory);
  ~DropTransport() override;
  boost::asio::awaitable<AttemptResult> deliver(const store::StoredMessage& m, const std::string& body) override;
  bool picked_up(const store::StoredMessage& m) override;

  // The file a message is dropped as (tests).
  std::filesystem::path file_of(const std::string& id) const;
  // The blocking write: temp file, fsync, rename, directory fsync. Empty on success.
  std::string write(const std::string& id, const std::string& body) const;

 private:
  std::filesystem::path dir_;
  core::NamedThreadPool pool_{1, "sluis-drop"};
};

}  // namespace sluis::route
