#include "pressreel/batch/film_info.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

namespace pressreel::batch {

FilmInfo read_film_info(const std::filesystem::path& film_toml, const std::string& folder_name) {
  FilmInfo film;
  film.title = folder_name;
  std::error_code ec;
  if (!std::filesystem::exists(film_toml, ec)) return film;
  toml::table table;
  try {
    table = toml::parse_file(film_toml.string());
  } catch (const toml::parse_error& e) {
    film.warnings.push_back(fmt::format("{}:{}: {}", film_toml.string(), e.source().begin.line, e.description()));
    return film;
  }
  for (const auto& [key, node] : table) {
    const auto line = node.source().begin.line;
    std::string* field = key == "title"          ? &film.title
                         : key == "director"     ? &film.director
                         : key == "distributor"  ? &film.distributor
                         : key == "release_date" ? &film.release_date
                         : key == "year"         ? &film.year
                                                 : nullptr;
    if (field == nullptr) {
      film.warnings.push_back(fmt::format("{}:{}: unknown key '{}'", film_toml.string(), line, key.str()));
    } else if (auto s = node.value<std::string>()) {
      *field = *s;
    } else if (auto i = node.value<int64_t>(); i && key == "year") {
      *field = std::to_string(*i);
    } else if (auto d = node.as_date()) {
      *field = fmt::format("{:04}-{:02}-{:02}", d->get().year, d->get().month, d->get().day);
    } else {
      film.warnings.push_back(fmt::format("{}:{}: '{}' should be a string", film_toml.string(), line, key.str()));
    }
  }
  return film;
}

nlohmann::json to_json(const FilmInfo& film) {
  return {{"title", film.title},       {"year", film.year},
          {"director", film.director}, {"distributor", film.distributor},
          {"release_date", film.release_date}, {"warnings", film.warnings}};
}

}  // namespace pressreel::batch
