#include "worker_environment.hpp"

#include <unistd.h>  // environ

namespace pressreel::batch {

std::vector<std::string> worker_environment(const std::vector<std::string>& environment) {
  constexpr std::string_view name = "GLIBC_TUNABLES=";
  std::vector<std::string> out = environment;
  for (std::string& entry : out) {
    if (!entry.starts_with(name)) continue;
    // The user's own choice of the tunable stands; other tunables are kept beside it.
    if (entry.find("glibc.malloc.hugetlb=") == std::string::npos) {
      entry += entry.size() > name.size() ? std::string(":") + huge_page_tunable : huge_page_tunable;
    }
    return out;
  }
  out.push_back(std::string(name) + huge_page_tunable);
  return out;
}

std::vector<std::string> worker_environment() {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) environment.emplace_back(*entry);
  return worker_environment(environment);
}

std::vector<char*> exec_pointers(std::vector<std::string>& entries) {
  std::vector<char*> pointers;
  for (std::string& e : entries) pointers.push_back(e.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace pressreel::batch
