#!/usr/bin/env bash
# Integration test: a throwaway single-node Slurm cluster on localhost runs a 3-shard pressreel array
# job plus the dependent merge (tools/slurm/submit.sh), and the catalog must equal a single-machine
# run's. Needs root and Debian's slurmctld, slurmd, slurm-client and munge (tools/setup.sh installs
# them); exits 77 (skipped) without them. Tears every daemon it started down.
# Usage: tests/slurm/run.sh PRESSREEL SOURCE_DIR
set -euo pipefail
pressreel=$(realpath "$1")
source_dir=$(realpath "$2")
for tool in slurmctld slurmd sbatch squeue munged; do
  command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root to start slurmd"; exit 77; }

work=$(mktemp -d /tmp/pressreel-slurm-XXXXXX)
started_munge=0
cleanup() {
  scancel --quiet -u root 2>/dev/null || true
  for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid"; do
    [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  sleep 1
  pkill -f "slurmd -N localhost -f $work" 2>/dev/null || true
  pkill -f "slurmctld -f $work" 2>/dev/null || true
  if ((started_munge)); then pkill -x munged 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mkdir -p "$work/state" "$work/spool" "$work/clips/film-a" "$work/clips/film-b"
cat > "$work/slurm.conf" <<CONF
ClusterName=pressreeltest
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
ReturnToService=2
MpiDefault=none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf

if ! pgrep -x munged >/dev/null; then
  [[ -f /etc/munge/munge.key ]] || { mkdir -p /etc/munge; dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null; }
  chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge && chown munge:munge /run/munge /var/log/munge /var/lib/munge
  runuser -u munge -- munged
  started_munge=1
fi
slurmctld -f "$work/slurm.conf"
slurmd -N localhost -f "$work/slurm.conf"
for _ in $(seq 60); do sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)' && break; sleep 1; done
sinfo -h -o %t | grep -qE '^(idle|mix|alloc)' || { echo "FAIL: the node never became idle"; cat "$work"/*.log; exit 1; }

# Three small clips in two films; the article recipe keeps the test quick.
ff() { ffmpeg -y -nostdin -hide_banner -loglevel error "$@"; }
ff -f lavfi -i "testsrc2=size=320x240:rate=25" -t 2 -c:v libx264 -preset ultrafast "$work/clips/film-a/one.mp4"
ff -f lavfi -i "mandelbrot=size=320x240:rate=25" -t 2 -c:v libx264 -preset ultrafast "$work/clips/film-a/two.mp4"
ff -f lavfi -i "smptebars=size=320x240:rate=25" -t 2 -c:v libx264 -preset ultrafast "$work/clips/film-b/three.mp4"

PRESSREEL=$pressreel "$source_dir/tools/slurm/submit.sh" "$work/clips" "$work/sharded" 3 article
for _ in $(seq 300); do
  [[ -z $(squeue -h -o %i 2>/dev/null) ]] && break
  sleep 1
done
[[ -z $(squeue -h -o %i) ]] || { echo "FAIL: jobs still queued after 300 s"; squeue; exit 1; }

"$pressreel" --quiet run "$work/clips" -o "$work/single" --pipeline article
if ! cmp "$work/single/catalog.json" "$work/sharded/catalog.json"; then
  echo "FAIL: the merged catalog differs from a single-machine run"
  diff "$work/single/catalog.json" "$work/sharded/catalog.json" || true
  cat "$work"/sharded/*.log 2>/dev/null || true
  exit 1
fi
shards=$(ls "$work"/sharded/.report-*.xml | wc -l)
[[ $shards -eq 3 ]] || { echo "FAIL: expected 3 shard reports, found $shards"; exit 1; }
echo "PASS: 3-shard Slurm array + merge equals a single-machine run ($(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['clip_count'])" "$work/single/catalog.json") clips)"
