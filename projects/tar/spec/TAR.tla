-------------------------------- MODULE TAR --------------------------------
(***************************************************************************)
(* Trust and Access Revocation (TAR) in a distributed marketplace.         *)
(*                                                                         *)
(* An owner keeps a ledger of grants, one per buyer.  Every marketplace    *)
(* node serves requests from its own replica of the access-control list   *)
(* (ACL).  Grants reach the replicas one node at a time.  Revocation is    *)
(* either partial (the ledger revokes, then each node learns of it on its *)
(* own) or atomic (the ledger and every replica revoke in one step).       *)
(*                                                                         *)
(* Safety: no request is served at a node after the ledger has revoked    *)
(* the buyer's grant.  The history variable `breach` records every         *)
(* (buyer, node) pair where that happened, so Safety is a state invariant. *)
(*                                                                         *)
(* This spec mirrors projects/tar/tar_model.py action for action, so TLC   *)
(* and the Python checker must agree on every count.                       *)
(***************************************************************************)
EXTENDS Naturals

CONSTANTS Nodes,    \* marketplace nodes, each with its own ACL replica
          Buyers,   \* buyers the owner may grant access to
          Atomic    \* TRUE: atomic revocation; FALSE: partial revocation

VARIABLES ledger,   \* ledger[b]: "none" -> "granted" -> "revoked"
          acl,      \* acl[n]: the buyers node n currently serves
          inflight, \* requests sent and not yet answered, as <<b, n>>
          breach    \* <<b, n>> pairs served after the ledger revoked b

vars == <<ledger, acl, inflight, breach>>

TypeOK ==
    /\ ledger \in [Buyers -> {"none", "granted", "revoked"}]
    /\ acl \in [Nodes -> SUBSET Buyers]
    /\ inflight \subseteq Buyers \X Nodes
    /\ breach \subseteq Buyers \X Nodes

Init ==
    /\ ledger = [b \in Buyers |-> "none"]
    /\ acl = [n \in Nodes |-> {}]
    /\ inflight = {}
    /\ breach = {}

\* The owner grants b on the ledger; nodes learn of it one by one.
Grant(b) ==
    /\ ledger[b] = "none"
    /\ ledger' = [ledger EXCEPT ![b] = "granted"]
    /\ UNCHANGED <<acl, inflight, breach>>

SyncGrant(b, n) ==
    /\ ledger[b] = "granted"
    /\ b \notin acl[n]
    /\ acl' = [acl EXCEPT ![n] = @ \cup {b}]
    /\ UNCHANGED <<ledger, inflight, breach>>

\* Any buyer may send a request, granted or not (one outstanding per node).
Request(b, n) ==
    /\ <<b, n>> \notin inflight
    /\ inflight' = inflight \cup {<<b, n>>}
    /\ UNCHANGED <<ledger, acl, breach>>

\* A node decides from its own replica, never from the ledger.
Serve(b, n) ==
    /\ <<b, n>> \in inflight
    /\ b \in acl[n]
    /\ inflight' = inflight \ {<<b, n>>}
    /\ breach' = IF ledger[b] = "revoked" THEN breach \cup {<<b, n>>} ELSE breach
    /\ UNCHANGED <<ledger, acl>>

Reject(b, n) ==
    /\ <<b, n>> \in inflight
    /\ b \notin acl[n]
    /\ inflight' = inflight \ {<<b, n>>}
    /\ UNCHANGED <<ledger, acl, breach>>

\* Partial revocation: the ledger first, then each replica on its own.
Revoke(b) ==
    /\ ~Atomic
    /\ ledger[b] = "granted"
    /\ ledger' = [ledger EXCEPT ![b] = "revoked"]
    /\ UNCHANGED <<acl, inflight, breach>>

SyncRevoke(b, n) ==
    /\ ~Atomic
    /\ ledger[b] = "revoked"
    /\ b \in acl[n]
    /\ acl' = [acl EXCEPT ![n] = @ \ {b}]
    /\ UNCHANGED <<ledger, inflight, breach>>

\* Atomic revocation: the ledger and every replica in one step.
RevokeAtomic(b) ==
    /\ Atomic
    /\ ledger[b] = "granted"
    /\ ledger' = [ledger EXCEPT ![b] = "revoked"]
    /\ acl' = [n \in Nodes |-> acl[n] \ {b}]
    /\ UNCHANGED <<inflight, breach>>

Next ==
    \E b \in Buyers :
        \/ Grant(b)
        \/ Revoke(b)
        \/ RevokeAtomic(b)
        \/ \E n \in Nodes :
            \/ SyncGrant(b, n)
            \/ Request(b, n)
            \/ Serve(b, n)
            \/ Reject(b, n)
            \/ SyncRevoke(b, n)

Spec == Init /\ [][Next]_vars

Safety == breach = {}
=============================================================================
