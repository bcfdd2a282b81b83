#pragma once
// Film- and batch-level files, built from the clips' manifests on disk, so a single run and the
// merge of many shards produce the same thing.

#include <filesystem>

#include <nlohmann/json_fwd.hpp>

namespace pressreel::batch {

// Reads OUT/<film>/<clip>/manifest.json for every clip, writes OUT/<film>/film.json for each film
// and OUT/catalog.json; returns the catalog. Deterministic: sorted, no timings or dates.
nlohmann::json write_catalog(const std::filesystem::path& out);

}  // namespace pressreel::batch
