"""Section 3, outside CloudTrail: AWS Config recorders (CIS v1.5 3.5) and VPC flow logs (3.9), per region."""
from __future__ import annotations

from collections.abc import Iterator

from ..model import Result, Severity
from ..snapshot import Snapshot, Unavailable, unwrap
from .registry import LOGGING, control, each_region, not_evaluated, verdict


@control("3.5", "Ensure AWS Config is enabled in all regions", LOGGING, Severity.MEDIUM,
         "aws configservice put-configuration-recorder --recording-group allSupported=true,"
         "includeGlobalResourceTypes=true, a delivery channel, then start-configuration-recorder.",
         needs=("config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus"), level=2)
def config_recording(snap: Snapshot) -> Iterator[Result]:
    for region in snap.regions:
        resource = f"arn:aws:config:{region}:{snap.account}:configuration-recorder/*"
        config = snap.regional("config", region)
        try:
            recorders = unwrap(config.get("recorders"), "configuration recorders")
            status = {s["name"]: s for s in unwrap(config.get("status"), "configuration recorder status")}
        except Unavailable as e:
            yield not_evaluated(resource, e, region)
            continue
        notes, good = [], []
        for r in recorders:
            group, state = r.get("recordingGroup", {}), status.get(r["name"], {})
            why = [w for w, bad in (("not all supported resource types", not group.get("allSupported")),
                                    ("global resource types excluded", not group.get("includeGlobalResourceTypes")),
                                    ("not recording", not state.get("recording")),
                                    ("last delivery FAILURE", state.get("lastStatus") == "FAILURE")) if bad]
            notes.append(f"{r['name']}: {', '.join(why) or 'records everything, lastStatus ' + str(state.get('lastStatus'))}")
            if not why:
                good.append(r["name"])
        yield verdict(bool(good), resource, "; ".join(notes) or "no configuration recorder", region)


@control("3.9", "Ensure VPC flow logging is enabled in all VPCs", LOGGING, Severity.MEDIUM,
         "aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc> --traffic-type REJECT "
         "(or ALL) with a CloudWatch Logs or S3 destination.",
         needs=("ec2:DescribeVpcs", "ec2:DescribeFlowLogs"), level=2)
def vpc_flow_logs(snap: Snapshot) -> Iterator[Result]:
    for region, vpcs in each_region(snap, "ec2", "vpcs", "VPCs"):
        try:
            if isinstance(vpcs, Unavailable):
                raise vpcs
            logs = unwrap(snap.regional("ec2", region).get("flow_logs"), "flow logs")
        except Unavailable as e:
            yield not_evaluated(f"arn:aws:ec2:{region}:{snap.account}:vpc/*", e, region)
            continue
        for vpc in vpcs:
            active = [f"{f['FlowLogId']} ({f.get('TrafficType')} to {f.get('LogDestinationType', 'cloud-watch-logs')})"
                      for f in logs if f.get("ResourceId") == vpc["VpcId"] and f.get("FlowLogStatus", "ACTIVE") == "ACTIVE"]
            yield verdict(bool(active), f"arn:aws:ec2:{region}:{snap.account}:vpc/{vpc['VpcId']}",
                          f"{vpc['VpcId']}: flow logs {', '.join(active)}" if active else f"{vpc['VpcId']}: no active flow log",
                          region)
