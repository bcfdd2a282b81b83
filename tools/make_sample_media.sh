#!/usr/bin/env bash
# Rebuilds sample_media/: two redistributable real clips from ../shared/media (Big Buck Bunny, CC-BY
# 3.0; a CC0 city clip) and clips generated here with known properties: a trailer-like composite
# (hard cuts, a fade through black, a dissolve, a white flash, a title card, stereo audio), a rotated
# phone teaser, and an interlaced TV spot. Everything stays well under 15 MB.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_MEDIA:-$root/../shared/media/clips}
out=$root/sample_media
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
ff() { ffmpeg -y -nostdin -hide_banner -loglevel error "$@"; }

mkdir -p "$out/big-buck-bunny" "$out/city" "$out/les-demons-de-minuit"
cp "$shared/big-buck-bunny-0-30.webm" "$out/big-buck-bunny/big-buck-bunny-0-30.webm"
cp "$shared/city-cc0.mpg" "$out/city/city-cc0.mpg"

# Trailer-like composite, 1280x720 at 24 fps, ~21 s: six shots joined by a cut, a fade through
# black, a 12-frame dissolve, cuts between similar shots, and a 2-frame white flash inside a shot.
shot() { # name source seconds
  ff -f lavfi -i "$2" -t "$3" -r 24 -s 1280x720 -pix_fmt yuv420p -c:v libx264 -crf 30 -preset veryfast "/tmp/pr-$1.mp4"
}
shot a "mandelbrot=size=1280x720:rate=24" 4
shot b "testsrc2=size=1280x720:rate=24,hue=s=0.6" 3
shot c "life=size=320x180:rate=24:mold=10:ratio=0.4:death_color=#203040:life_color=#e0c080,scale=1280:720" 3
shot d "gradients=size=1280x720:rate=24:speed=0.02" 4
shot e "gradients=size=1280x720:rate=24:speed=0.02:seed=7,eq=brightness=0.05" 3
shot f "color=c=#101018:size=1280x720:rate=24,drawtext=fontfile=$font:text='LES DÉMONS DE MINUIT':fontcolor=white:fontsize=64:x=(w-tw)/2:y=(h-th)/2" 3
ff -i /tmp/pr-a.mp4 -i /tmp/pr-b.mp4 -i /tmp/pr-c.mp4 -i /tmp/pr-d.mp4 -i /tmp/pr-e.mp4 -i /tmp/pr-f.mp4 \
  -f lavfi -i "sine=frequency=220:sample_rate=48000,volume=0.3" -f lavfi -i "anoisesrc=color=pink:amplitude=0.05:sample_rate=48000" \
  -filter_complex "\
[0:v]settb=1/24[v0];\
[1:v]fade=t=out:st=2.5:d=0.5,settb=1/24[v1];\
[2:v]fade=t=in:st=0:d=0.5,settb=1/24[v2];\
[3:v]settb=1/24[v3];\
[4:v]settb=1/24[v4];\
[5:v]settb=1/24[v5];\
[v0][v1]concat=n=2:v=1:a=0[v01];\
[v01][v2]concat=n=2:v=1:a=0[v012];\
[v012]settb=1/24[v012t];[v012t][v3]xfade=transition=fade:duration=0.5:offset=9.5[v0123];\
[v0123]geq=lum='if(between(N,324,325),255,lum(X,Y))':cb='if(between(N,324,325),128,cb(X,Y))':cr='if(between(N,324,325),128,cr(X,Y))'[vf];\
[vf][v4][v5]concat=n=3:v=1:a=0,format=yuv420p[v];\
[6:a][7:a]amix=inputs=2:duration=shortest,pan=stereo|c0=c0|c1=c0,atrim=0:21.5[a]" \
  -map "[v]" -map "[a]" -c:v libx264 -crf 28 -preset veryfast -g 48 -c:a aac -b:a 96k -shortest \
  -metadata title="Les Démons de Minuit — Trailer" "$out/les-demons-de-minuit/trailer.mp4"

# A phone teaser: portrait picture stored landscape with a 90° display matrix, no audio.
ff -f lavfi -i "testsrc2=size=640x360:rate=30" -t 6 -c:v libx264 -crf 30 -preset veryfast -pix_fmt yuv420p /tmp/pr-phone.mp4
ff -i /tmp/pr-phone.mp4 -c copy -metadata:s:v:0 rotate=90 "$out/les-demons-de-minuit/phone-teaser.mp4"

# A 576i TV spot: interlaced MPEG-2 with 5.1 audio, the kind broadcasters still deliver.
ff -f lavfi -i "testsrc2=size=720x576:rate=50,scroll=h=0.01" -f lavfi -i "sine=frequency=330:sample_rate=48000" \
  -vf "interlace=scan=tff" -t 6 -c:v mpeg2video -b:v 2500k -flags +ilme+ildct -top 1 -ac 6 -c:a ac3 -b:a 192k \
  "$out/les-demons-de-minuit/tv-spot.mpg"

rm -f /tmp/pr-*.mp4
du -sh "$out"
