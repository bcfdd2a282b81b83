#include "pressreel/scenes/shot.hpp"

namespace pressreel::scenes {

std::string to_string(CutKind kind) {
  switch (kind) {
    case CutKind::cut: return "cut";
    case CutKind::fade: return "fade";
    case CutKind::dissolve: return "dissolve";
  }
  return "cut";
}

}  // namespace pressreel::scenes
