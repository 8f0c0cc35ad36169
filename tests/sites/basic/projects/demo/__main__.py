import argparse
import json

parser = argparse.ArgumentParser()
parser.add_argument("--n", type=int, default=10)
parser.add_argument("--json", action="store_true")
args = parser.parse_args()
total = sum(range(args.n))
print(json.dumps({"n": args.n, "total": total, "nested": {"ok": True}}))
