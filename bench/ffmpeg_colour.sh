# Sourced by the ffmpeg baselines. Their outputs are tagged BT.709, so a BT.601 source's pixels are
# converted to that matrix, as pressreel does; left as they are, the colours would be subtly wrong
# (and the work less). Untagged sources are taken as they are, like pressreel takes untagged HD.
# Prints the options to append to a `scale` filter for CLIP (nothing when no conversion is due).
bt709_scale_options() {
  local space
  space=$(ffprobe -v error -select_streams v:0 -show_entries stream=color_space -of csv=p=0 "$1")
  if [[ "$space" == bt470bg || "$space" == smpte170m ]]; then echo ":in_color_matrix=bt601:out_color_matrix=bt709"; fi
}
