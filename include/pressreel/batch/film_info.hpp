#pragma once
// A film's metadata, from the optional clips/<film>/film.toml.

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace pressreel::batch {

struct FilmInfo {
  std::string title;         // defaults to the folder name
  std::string year;
  std::string director;
  std::string distributor;
  std::string release_date;  // ISO 8601 date as written
  std::vector<std::string> warnings;  // problems in film.toml: reported, never fatal
};

// Reads `film_toml` if it exists; unknown keys and wrong types become warnings naming file, line and key.
FilmInfo read_film_info(const std::filesystem::path& film_toml, const std::string& folder_name);

nlohmann::json to_json(const FilmInfo& film);

}  // namespace pressreel::batch
