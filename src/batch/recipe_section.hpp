#pragma once
// One [section] of a recipe's TOML: reads typed keys, remembers which were used, and rejects the rest
// with "file:line: [section] key: why".

#include <filesystem>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <opencv2/core.hpp>
#include <toml++/toml.h>

#include "pressreel/batch/recipe.hpp"

namespace pressreel::batch {

class Section {
 public:
  Section(const toml::table& root, std::string name, const std::filesystem::path& file) : name_(std::move(name)), file_(file) {
    if (const toml::node* node = root.get(name_)) {
      table_ = node->as_table();
      if (table_ == nullptr) fail(*node, name_, "must be a table ([" + name_ + "])");
    }
  }

  void get(std::string_view key, bool& out) {
    if (const toml::node* n = find(key)) {
      if (!n->is_boolean()) fail(*n, key, "must be true or false");
      out = n->value<bool>().value();
    }
  }

  void get(std::string_view key, std::string& out) {
    if (const toml::node* n = find(key)) {
      if (!n->is_string()) fail(*n, key, "must be a string");
      out = n->value<std::string>().value();
    }
  }

  void get(std::string_view key, int& out, int min, int max) {
    if (const toml::node* n = find(key)) {
      if (!n->is_integer()) fail(*n, key, "must be an integer");
      const int64_t v = n->value<int64_t>().value();
      if (v < min || v > max) fail(*n, key, fmt::format("must be between {} and {}", min, max));
      out = static_cast<int>(v);
    }
  }

  void get(std::string_view key, double& out, double min, double max) {
    if (const toml::node* n = find(key)) {
      if (!n->is_number()) fail(*n, key, "must be a number");
      // toml++ refuses value<double>() for an integer a double cannot hold exactly (beyond 2^53), so
      // integers are read as such; any of them is out of every range a recipe allows anyway.
      const double v = n->is_integer() ? static_cast<double>(*n->value<int64_t>()) : *n->value<double>();
      if (!(v >= min && v <= max)) fail(*n, key, fmt::format("must be between {} and {}", min, max));
      out = v;
    }
  }

  void get(std::string_view key, int64_t& out, int64_t min, int64_t max) {
    if (const toml::node* n = find(key)) {
      if (!n->is_integer()) fail(*n, key, "must be an integer");
      const int64_t v = n->value<int64_t>().value();
      if (v < min || v > max) fail(*n, key, fmt::format("must be between {} and {}", min, max));
      out = v;
    }
  }

  void get(std::string_view key, size_t& out, size_t min, size_t max) {
    int64_t v = static_cast<int64_t>(out);
    get(key, v, static_cast<int64_t>(min), static_cast<int64_t>(max));
    out = static_cast<size_t>(v);
  }

  // A string that must be one of `choices`.
  void get_choice(std::string_view key, std::string& out, std::initializer_list<std::string_view> choices) {
    if (const toml::node* n = find(key)) {
      const auto v = n->value<std::string>();
      if (!v || std::find(choices.begin(), choices.end(), *v) == choices.end()) {
        fail(*n, key, fmt::format("must be one of: {}", fmt::join(choices, ", ")));
      }
      out = *v;
    }
  }

  // An array of tables ([[section.key]]), each read by `read(Section&)`.
  template <class Read>
  bool get_tables(std::string_view key, Read read) {
    const toml::node* n = find(key);
    if (n == nullptr) return false;
    const toml::array* array = n->as_array();
    if (array == nullptr) fail(*n, key, "must be an array of tables ([[" + name_ + "." + std::string(key) + "]])");
    for (const auto& item : *array) {
      const toml::table* t = item.as_table();
      if (t == nullptr) fail(item, key, "must be an array of tables");
      toml::table wrapper;
      wrapper.insert(std::string(key), *t);
      Section sub(wrapper, std::string(key), file_);
      sub.name_ = name_ + "." + std::string(key);
      read(sub);
      sub.reject_unknown();
    }
    return true;
  }

  // A colour as [b, g, r] or "#rrggbb".
  void get(std::string_view key, cv::Scalar& out) {
    if (const toml::node* n = find(key)) {
      const auto text = n->value<std::string>();
      unsigned rgb = 0;
      if (!text || text->size() != 7 || (*text)[0] != '#' || std::sscanf(text->c_str() + 1, "%6x", &rgb) != 1) {
        fail(*n, key, "must be a colour \"#rrggbb\"");
      }
      out = cv::Scalar(rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff);
    }
  }

  void get(std::string_view key, std::vector<std::string>& out) {
    if (const toml::node* n = find(key)) {
      const toml::array* array = n->as_array();
      if (array == nullptr) fail(*n, key, "must be an array of strings");
      out.clear();
      for (const auto& item : *array) {
        if (!item.is_string()) fail(item, key, "must be an array of strings");
        out.push_back(item.value<std::string>().value());
      }
    }
  }

  // Every key the recipe gave in this section must have been read.
  void reject_unknown() const {
    if (table_ == nullptr) return;
    for (const auto& [key, node] : *table_) {
      if (!used_.contains(std::string(key.str()))) fail(node, key.str(), "unknown key");
    }
  }

 private:
  const toml::node* find(std::string_view key) {
    used_.insert(std::string(key));
    return table_ == nullptr ? nullptr : table_->get(key);
  }

  [[noreturn]] void fail(const toml::node& node, std::string_view key, std::string_view why) const {
    throw RecipeError(fmt::format("{}:{}: [{}] {}: {}", file_.string(), node.source().begin.line, name_, key, why));
  }

  std::string name_;
  const std::filesystem::path& file_;
  const toml::table* table_ = nullptr;
  std::set<std::string> used_;
};

}  // namespace pressreel::batch
