"""Kamailio routing for ringforward (KEMI, run by Kamailio's app_python3 module).

REGISTER: digest authentication against the credentials ringforward provisions for each
device (asked over HTTP by authorization id), then the contact is saved in memory.

INVITE from a trusted source: ringforward returns the call's forking plan, a list of
stages (who rings from when, for how long). Each stage's targets get INVITEs in parallel;
its length is the transaction's final-response timer, so when it expires tm cancels the
stage's branches and the failure route starts the next stage. The first 200 OK wins and
tm cancels every other branch. When ringforward cannot be asked, the caller gets 503.

Runs inside Kamailio's embedded Python (the system python3), so it uses the standard
library only. Settings come from the JSON file named by RINGFORWARD_KAMAILIO_SETTINGS.
"""

import json
import os
import urllib.error
import urllib.parse
import urllib.request

import KSR  # provided by Kamailio

SETTINGS = {}
HOLD_USER = "ringforward-hold"
# How long a stage with nobody to ring waits when its length is unknown.
LAST_STAGE_MS = 120000


def mod_init():
    with open(os.environ["RINGFORWARD_KAMAILIO_SETTINGS"]) as handle:
        SETTINGS.update(json.load(handle))
    return Router()


def _ask(path, query):
    """GET ringforward's /internal/sip/<path>; (status, document or None)."""
    url = SETTINGS["service"].rstrip("/") + "/internal/sip/" + path + "?"
    request = urllib.request.Request(
        url + urllib.parse.urlencode(query),
        headers={"X-Ringforward-Proxy-Secret": SETTINGS["secret"]},
    )
    try:
        with urllib.request.urlopen(request, timeout=SETTINGS["timeout"]) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None
    except Exception as error:  # refused, reset, timed out: the service is not there
        KSR.warn(f"ringforward not reachable: {error}\n")
        return 0, None


def _source_trusted():
    address = KSR.pv.get("$si")
    port = str(KSR.pv.get("$sp"))
    trusted = SETTINGS["trusted"]
    return address in trusted or (address + ":" + port) in trusted


def _target_uris(target):
    kind, user = target["kind"], target["user"]
    if kind == "gateway":
        return [SETTINGS["gateway"].replace("{number}", user)]
    if kind == "voicemail":
        return [SETTINGS["voicemail"].replace("{extension}", user)]
    aor = "sip:{}@{}".format(user, SETTINGS["domain"])
    if KSR.registrar.reg_fetch_contacts("location", aor, "rf") < 0:
        return []
    count = KSR.pv.get("$ulc(rf=>count)") or 0
    uris = [KSR.pv.get(f"$(ulc(rf=>addr)[{index}])") for index in range(int(count))]
    KSR.registrar.reg_free_contacts("rf")
    return uris


def _start_stage(index):
    """Fork stage ``index`` of the plan kept with the transaction; False when none is left."""
    plan = json.loads(KSR.pv.get("$avp(rf_plan)"))
    stages = plan["stages"]
    if index >= len(stages):
        return False
    stage = stages[index]
    uris = []
    for target in stage["targets"]:
        for uri in _target_uris(target):
            if uri not in uris:
                uris.append(uri)
    if not uris:
        # Nobody to ring (apps not registered): hold the call on ourselves for the
        # stage's length, so that the next stage still starts on time.
        uris = ["sip:{}@{}".format(HOLD_USER, SETTINGS["listen"])]
    length = stage["durationMs"] or SETTINGS.get("ring_forever_ms", LAST_STAGE_MS)
    KSR.pv.seti("$avp(rf_stage)", index)
    KSR.pv.sets("$ru", uris[0])
    for uri in uris[1:]:
        KSR.corex.append_branch_uri(uri)
    KSR.tm.t_set_fr(length, length)
    KSR.tm.t_on_failure("ksr_failure_next_stage")
    if KSR.tm.t_relay() < 0:
        KSR.sl.sl_reply_error()
    return True


class Router:
    def child_init(self, rank):
        return 0

    def ksr_reply_route(self, msg):
        return 1

    def ksr_onsend_route(self, msg):
        return 1

    def ksr_request_route(self, msg):
        if KSR.maxfwd.process_maxfwd(10) < 0:
            KSR.sl.sl_send_reply(483, "Too Many Hops")
            return 1
        if KSR.sanity.sanity_check(17895, 7) < 0:
            return 1
        if KSR.is_CANCEL():
            if KSR.tm.t_check_trans() > 0:
                KSR.tm.t_relay()
            else:
                # The CANCEL of a hold branch: nothing to stop.
                KSR.sl.sl_send_reply(200, "OK")
            return 1
        if KSR.siputils.has_totag() > 0:
            return self.in_dialog()
        if KSR.tmx.t_precheck_trans() > 0:
            KSR.tm.t_check_trans()
            return 1
        if KSR.tm.t_check_trans() == 0:
            return 1
        if KSR.is_REGISTER():
            return self.register()
        if KSR.is_OPTIONS():
            KSR.sl.sl_send_reply(200, "OK")
            return 1
        if KSR.is_INVITE():
            return self.invite()
        KSR.sl.sl_send_reply(405, "Method Not Allowed")
        return 1

    def in_dialog(self):
        if KSR.rr.loose_route() > 0:
            KSR.tm.t_relay()
            return 1
        if KSR.is_ACK():
            if KSR.tm.t_check_trans() > 0:
                KSR.tm.t_relay()
            return 1
        KSR.sl.sl_send_reply(404, "Not Here")
        return 1

    def register(self):
        realm = SETTINGS["domain"]
        if KSR.pv.is_null("$au"):
            KSR.auth.auth_challenge(realm, 0)
            return 1
        status, device = _ask("credentials", {"authorizationId": KSR.pv.get("$au")})
        if status == 0 or status >= 500:
            KSR.sl.sl_send_reply(503, "Service Unavailable")
            return 1
        if status != 200 or device is None:
            KSR.sl.sl_send_reply(403, "Forbidden")
            return 1
        if KSR.auth.pv_auth_check(realm, device["password"], 0, 0) < 0:
            KSR.sl.sl_send_reply(403, "Forbidden")
            return 1
        if KSR.pv.get("$tU") != device["userName"]:
            # The credentials are good but for another line.
            KSR.sl.sl_send_reply(403, "Forbidden")
            return 1
        KSR.auth.consume_credentials()
        if KSR.registrar.save("location", 0) < 0:
            KSR.sl.sl_reply_error()
        return 1

    def invite(self):
        user = KSR.pv.get("$rU")
        if user == HOLD_USER and KSR.is_myself_srcip():
            KSR.sl.sl_send_reply(180, "Ringing")
            return 1
        if not _source_trusted():
            KSR.sl.sl_send_reply(403, "Forbidden")
            return 1
        if KSR.tm.t_newtran() < 0:
            KSR.sl.sl_reply_error()
            return 1
        query = {"to": user or "", "secondsPerRing": SETTINGS["seconds_per_ring"]}
        caller = KSR.pv.get("$fU")
        if caller:
            query["from"] = caller
        status, plan = _ask("route", query)
        if status == 404:
            KSR.tm.t_reply(404, "Not Found")
            return 1
        if status != 200 or plan is None:
            KSR.tm.t_reply(503, "Service Unavailable")
            return 1
        KSR.rr.record_route()
        KSR.pv.sets("$avp(rf_plan)", json.dumps(plan))
        if not _start_stage(0):
            KSR.tm.t_reply(480, "Temporarily Unavailable")
        return 1

    def ksr_failure_next_stage(self, msg):
        if KSR.tm.t_is_canceled() > 0:
            return 1
        index = KSR.pv.get("$avp(rf_stage)")
        if not _start_stage(int(index) + 1):
            KSR.tm.t_reply(480, "Temporarily Unavailable")
        return 1
