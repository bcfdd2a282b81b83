#!/usr/bin/env bash
# Trailer-like benchmark clips, generated once and reused: H.264 High + AAC stereo, six 4 s shots
# (test pattern, fractal zoom, bars, life, gradients, cellular automaton) with film grain, hard cuts
# and fades, and a soundtrack whose level changes from shot to shot.
# Usage: source bench/bench_clips.sh; make_bench_clip OUT.mp4 WIDTH HEIGHT [SECONDS]

make_bench_clip() {
  local out=$1 w=$2 h=$3 seconds=${4:-24}
  [[ -s "$out" ]] && return 0
  local shot=$(awk "BEGIN{print $seconds/6}")
  local s="size=${w}x${h}:rate=25"
  ffmpeg -y -hide_banner -loglevel error \
    -t $shot -f lavfi -i "testsrc2=$s" \
    -t $shot -f lavfi -i "mandelbrot=$s" \
    -t $shot -f lavfi -i "smptehdbars=$s" \
    -t $shot -f lavfi -i "life=$s:mold=10:ratio=0.4:death_color=#203040:life_color=#e0a040" \
    -t $shot -f lavfi -i "gradients=$s:speed=0.05" \
    -t $shot -f lavfi -i "cellauto=$s:rule=110:scroll=1" \
    -f lavfi -i "anoisesrc=color=pink:amplitude=0.2:sample_rate=48000:duration=$seconds" \
    -f lavfi -i "sine=frequency=220:sample_rate=48000:duration=$seconds" \
    -filter_complex "
      [0:v]format=yuv420p,trim=duration=$shot,setpts=PTS-STARTPTS[v0];
      [1:v]format=yuv420p,trim=duration=$shot,setpts=PTS-STARTPTS,fade=in:d=0.5[v1];
      [2:v]format=yuv420p,trim=duration=$shot,setpts=PTS-STARTPTS,drawbox=x=t*80:y=ih/3:w=iw/8:h=ih/3:color=white@0.8:t=fill[v2];
      [3:v]format=yuv420p,trim=duration=$shot,setpts=PTS-STARTPTS,fade=out:st=$(awk "BEGIN{print $shot-0.6}"):d=0.6[v3];
      [4:v]format=yuv420p,trim=duration=$shot,setpts=PTS-STARTPTS,fade=in:d=0.6[v4];
      [5:v]format=yuv420p,trim=duration=$shot,setpts=PTS-STARTPTS[v5];
      [v0][v1][v2][v3][v4][v5]concat=n=6:v=1:a=0,noise=alls=3:allf=t,format=yuv420p[v];
      [6:a][7:a]amix=inputs=2:weights='1 0.3',volume='0.5+0.4*sin(t/3)':eval=frame,aformat=channel_layouts=stereo[a]" \
    -map "[v]" -map "[a]" -c:v libx264 -preset veryfast -crf 22 -g 50 -maxrate 10M -bufsize 20M -c:a aac -b:a 192k -movflags +faststart "$out"
}

# OUT: COPIES of the clip PIECE joined by stream copy (no re-encoding), the same shots over again.
repeat_clip() {
  local piece=$1 copies=$2 out=$3
  [[ -s "$out" ]] && return 0
  local list
  list=$(mktemp --suffix=.txt)
  for ((i = 0; i < copies; i++)); do echo "file '$(realpath "$piece")'" >>"$list"; done
  ffmpeg -y -hide_banner -loglevel error -f concat -safe 0 -i "$list" -c copy -movflags +faststart "$out"
  rm -f "$list"
}

# Trailer length and cutting: two minutes of 2.5 s shots (48), the 15 s six-shot piece above joined
# eight times.
make_trailer_clip() {
  local out=$1 w=$2 h=$3
  [[ -s "$out" ]] && return 0
  local piece=${out%.mp4}.piece.mp4
  make_bench_clip "$piece" "$w" "$h" 15
  repeat_clip "$piece" 8 "$out"
  rm -f "$piece"
}

# Real footage: the first 30 s of Big Buck Bunny (CC-BY 3.0; 720p, tagged BT.601) from ../shared/media,
# or, without it, the 19.5 s of it in sample_media, as an H.264 High + AAC clip. Animation encodes more
# cheaply than the grainy synthetic shots, so what pressreel adds weighs more; BT.601 makes every
# rendition convert its colours to BT.709.
make_real_clip() {
  local out=$1
  [[ -s "$out" ]] && return 0
  local root source
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.."
  source="$root/../shared/media/clips/big-buck-bunny-0-30.webm"
  [[ -f "$source" ]] || source="$root/sample_media/big-buck-bunny/big-buck-bunny-0-19.webm"
  ffmpeg -y -hide_banner -loglevel error -i "$source" -c:v libx264 -preset veryfast -crf 20 -g 48 \
    -c:a aac -b:a 192k -ar 48000 -movflags +faststart "$out"
}
