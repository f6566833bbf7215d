// Reads a schema-valid iWmo/iJw message into the typed model
// (standard/model.hpp).
//
// ModelBuilder takes element events (start, characters, end) and fills a
// standard::model::Message by the visit() order the model declares, so it
// knows no element names of its own. The validator feeds it from the same
// SAX2 pass that validates (Validator::validate with ReadModel::yes): one
// parse, no DOM. Measured against a second pass in tests/bench/model_bench.cpp.
//
// Every class records where it was read (Src: element path as the validator
// writes it, line, column), so a finding on a value points at
// `src.path() + "/Element"`. The builder makes each element's Src once, from
// its parent's, and only for elements at or above a class (model.hpp: a Src
// holds a shared shape and two numbers, no string).
//
// The builder trusts the schema for structure: an element the model has no
// place for is skipped (and reported by the validator already). A value the
// model cannot hold (an integer beyond 64 bits, a date the calendar lacks) is
// an error of finish().
//
// Threading: one builder per message, not shared.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "gateway/core/result.hpp"
#include "gateway/standard/model.hpp"

namespace sluis::xml {

// One step of an element path as findings and the model's Src write it:
// "/Name", or "/Name[n]" for the n-th sibling of that name when n > 1.
inline void append_path_step(std::string& path, std::string_view name, int index) {
  path += '/';
  path += name;
  if (index > 1) {
    path += '[';
    path += std::to_string(index);
    path += ']';
  }
}

class ModelBuilder {
 public:
  ModelBuilder(const standard::MessageType& type, std::string release);
  ~ModelBuilder();
  ModelBuilder(const ModelBuilder&) = delete;
  ModelBuilder& operator=(const ModelBuilder&) = delete;

  // `index` is n of the element's step in the path as the validator writes
  // it ("Prestatie[3]": 3; 1 for the first or only one): the validator counts
  // siblings already, the builder does not count them again. The builder
  // keeps no reference to `local_name`.
  void start(std::string_view local_name, int index, int line, int column);
  void characters(std::string_view utf8);
  void end();

  core::Result<standard::model::Message> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sets (value) or removes (nullopt) the element at `path` in a model, with the
// element paths findings use ("/Bericht/Client/Prestaties/Prestatie[2]/
// GeleverdVolume"). Setting creates absent optional parents; "Item[n+1]"
// appends to a list. For test cases written as data and for tools that derive
// a message from another; the result is not validated.
core::Result<void> edit_model(standard::model::Message& message, std::string_view path,
                              std::optional<std::string_view> value);

}  // namespace sluis::xml
