#include "exec_args.hpp"

namespace pressreel::batch {

std::vector<char*> exec_pointers(std::vector<std::string>& entries) {
  std::vector<char*> pointers;
  for (std::string& e : entries) pointers.push_back(e.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace pressreel::batch
