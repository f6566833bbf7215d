// Internal to the engines: the retention pruner's run over an engine's writer,
// the same on SQLite and PostgreSQL (Retention::prune_bodies). A dry run is one
// job that only reads. A real run is one job per batch, so the commits queued
// meanwhile go in between: each batch's `done` queues the next, until a batch
// removes fewer than it may (nothing left) or the request's limit is reached
// (then one more job asks whether more qualify). The engine's three steps come
// from `Ops`: preview(conn, req), left(conn, cutoff), batch(conn, req, n, now).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>

#include "gateway/core/result.hpp"
#include "gateway/store/sql_common.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store {

// What one batch removed.
struct PruneBatch {
  std::int64_t pruned = 0;
  std::int64_t bytes = 0;
};

template <class Ops, class Writer>
void prune_batches(Writer& writer, std::shared_ptr<const PruneRequest> req, std::shared_ptr<PruneResult> out,
                   Done<PruneResult> done) {
  std::int64_t n = std::max(1, req->batch);
  if (req->limit > 0) n = std::min(n, req->limit - out->pruned);
  if (n <= 0) {  // the limit reached: do more qualify?
    writer.template write<PruneResult>(out, std::move(done), [req, out](auto&& conn) -> core::Result<void> {
      auto left = Ops::left(conn, req->cutoff);
      if (!left) return left.error();
      out->more = *left;
      return {};
    });
    return;
  }
  auto got = std::make_shared<PruneBatch>();
  writer.enqueue(
      [req, n, got](auto&& conn) -> core::Result<void> {
        auto b = Ops::batch(conn, *req, n, now_utc());
        if (!b) return b.error();
        *got = *b;
        return {};
      },
      [&writer, req, out, got, n, done = std::move(done)](core::Result<void> r) mutable {
        if (!r) return done(r.error());
        out->pruned += got->pruned;
        out->bytes += got->bytes;
        if (got->pruned < n) return done(std::move(*out));  // nothing left
        prune_batches<Ops>(writer, std::move(req), std::move(out), std::move(done));
      });
}

template <class Ops, class Writer>
void prune_bodies_on(Writer& writer, PruneRequest req, Done<PruneResult> done) {
  auto out = std::make_shared<PruneResult>();
  if (req.dry_run) {
    writer.template write<PruneResult>(out, std::move(done),
                                       [req = std::move(req), out](auto&& conn) -> core::Result<void> {
                                         auto preview = Ops::preview(conn, req);
                                         if (!preview) return preview.error();
                                         *out = *preview;
                                         return {};
                                       });
    return;
  }
  prune_batches<Ops>(writer, std::make_shared<const PruneRequest>(std::move(req)), std::move(out), std::move(done));
}

}  // namespace sluis::store
