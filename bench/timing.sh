# Sourced by the benches that time whole runs: the wall and CPU time of one run, and a median.
#
#   start=$(date +%s.%N); COMMAND; wall_and_cpu "$start" SCRATCH_FILE   -> "WALL CPU" in seconds
# CPU is the user + sys time of this shell's children, all of COMMAND's processes included (workers
# too): call it in a subshell of its own per run, so that it counts that run alone.
wall_and_cpu() {
  local end
  end=$(date +%s.%N)
  times >"$2"  # a builtin, redirected without a fork: line 2 is the children's user and sys
  awk -v start="$1" -v end="$end" 'NR == 2 {
    split($1, u, /[ms]/); split($2, s, /[ms]/)
    printf "%.2f %.2f\n", end - start, u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$2"
}

# The median of the numbers on standard input, one a line.
median() { sort -n | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
