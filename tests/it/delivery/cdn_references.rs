//! Differential tests against the reference libraries `.ci/run` installs:
//!
//! - EdgeAuth: PyPI `akamai-edgeauth` 0.3.2 and npm `akamai-edgeauth` 0.2.0
//!   produce the same token as `core::cdn::akamai` for 256 random inputs
//!   (algorithms, ACL and URL tokens, several ACLs, start times, ip / id /
//!   data, salts), and every reference token verifies here;
//! - CloudFront: npm `@aws-sdk/cloudfront-signer` signs the same policy
//!   bytes to the same signature (RSA PKCS#1 v1.5 is deterministic) for 200
//!   random canned and custom policies, SHA-1 and SHA-256, URLs and cookies,
//!   and its own custom policies verify here;
//! - CTA-5007: npm `@eyevinn/cat` (`expectCwtTag: true`) accepts 200 random
//!   tokens of `core::cdn::cat`, and this accepts 200 of its tokens.
//!
//! The npm packages live in `tests/node` (`npm install` there); each test skips
//! with a note when its reference is missing, and fails instead in CI.

use std::process::Command;

use playgate::core::cdn::akamai::{Alg, EdgeAuth, Fields};
use rand::{Rng, SeedableRng};
use serde_json::json;

const CASES: usize = 256;

const REFERENCE: &str = r#"
import json, sys
from akamai.edgeauth import EdgeAuth
out = []
for line in sys.stdin:
    c = json.loads(line)
    e = EdgeAuth(key=c["key"], algorithm=c["alg"], salt=c.get("salt"), ip=c.get("ip"),
                 payload=c.get("data"), session_id=c.get("id"), start_time=c.get("st"),
                 end_time=c["exp"], escape_early=False)
    if c.get("acl"):
        out.append(e.generate_acl_token(c["acl"]))
    else:
        out.append(e.generate_url_token(c["url"]))
print(json.dumps(out))
"#;

fn reference_available() -> bool {
    Command::new("python3")
        .args(["-c", "import akamai.edgeauth"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn word(rng: &mut impl Rng, len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
    (0..len)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// 256 random EdgeAuth inputs, as the references take them.
fn edgeauth_cases() -> Vec<serde_json::Value> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20261201);
    let mut cases = Vec::new();
    for _ in 0..CASES {
        let key = hex::encode(
            (0..rng.gen_range(8..40))
                .map(|_| rng.gen::<u8>())
                .collect::<Vec<u8>>(),
        );
        let alg = ["sha256", "sha1", "md5"][rng.gen_range(0..3)];
        let exp: i64 = rng.gen_range(1_700_000_000..2_000_000_000);
        let mut c = json!({ "key": key, "alg": alg, "exp": exp });
        if rng.gen_bool(0.4) {
            c["st"] = json!(exp - rng.gen_range(1..100_000));
        }
        if rng.gen_bool(0.5) {
            let n = rng.gen_range(1..4);
            let acl: Vec<String> = (0..n)
                .map(|_| format!("/{}/{}/*", word(&mut rng, 4), word(&mut rng, 6)))
                .collect();
            c["acl"] = json!(acl.join("!"));
        } else {
            c["url"] = json!(format!("/{}/{}.m3u8", word(&mut rng, 5), word(&mut rng, 8)));
        }
        if rng.gen_bool(0.3) {
            c["ip"] = json!(format!("198.51.100.{}", rng.gen_range(1..255)));
        }
        for field in ["id", "data", "salt"] {
            if rng.gen_bool(0.3) {
                let len = rng.gen_range(1..24);
                c[field] = json!(word(&mut rng, len));
            }
        }
        cases.push(c);
    }
    cases
}

#[test]
fn edgeauth_agrees_with_the_python_reference() {
    if !reference_available() {
        assert!(
            !crate::harness::in_ci(),
            "CI must install akamai-edgeauth (PyPI)"
        );
        eprintln!("skipped: python3 with akamai-edgeauth is not available");
        return;
    }
    let cases = edgeauth_cases();
    let input: String = cases.iter().map(|c| format!("{c}\n")).collect();
    let mut child = Command::new("python3")
        .args(["-c", REFERENCE])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let theirs: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    edgeauth_agree(&cases, &theirs);
}

#[test]
fn edgeauth_agrees_with_the_npm_reference() {
    let cases = edgeauth_cases();
    let Some(theirs) = node("edgeauth", &cases) else {
        return;
    };
    let theirs: Vec<String> = theirs
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    edgeauth_agree(&cases, &theirs);
}

fn edgeauth_agree(cases: &[serde_json::Value], theirs: &[String]) {
    assert_eq!(theirs.len(), CASES);
    for (c, reference) in cases.iter().zip(theirs) {
        let alg = match c["alg"].as_str().unwrap() {
            "sha256" => Alg::Sha256,
            "sha1" => Alg::Sha1,
            _ => Alg::Md5,
        };
        let auth = EdgeAuth::new(
            c["key"].as_str().unwrap(),
            alg,
            c["salt"].as_str(),
            "__token__",
        )
        .unwrap();
        let acl: Vec<&str> = c["acl"]
            .as_str()
            .map(|a| a.split('!').collect())
            .unwrap_or_default();
        let fields = Fields {
            ip: c["ip"].as_str(),
            start: c["st"].as_i64(),
            end: c["exp"].as_i64().unwrap(),
            acl: acl.clone(),
            url: c["url"].as_str(),
            id: c["id"].as_str(),
            data: c["data"].as_str(),
        };
        assert_eq!(&auth.token(&fields).unwrap(), reference, "{c}");
        // And the reference's token verifies here, for a path it admits.
        let path = match acl.first() {
            Some(a) => format!("{}seg_1.ts", a.trim_end_matches('*')),
            None => c["url"].as_str().unwrap().to_owned(),
        };
        let ip = c["ip"].as_str().map(|ip| ip.parse().unwrap());
        let now = c["st"].as_i64().unwrap_or(c["exp"].as_i64().unwrap() - 1);
        assert_eq!(auth.check(reference, &path, ip, now), Ok(()), "{c}");
    }
}

/// Runs `tests/node/reference.js <mode>` over `cases`; `None` (a skip) when
/// node or the packages are missing outside CI.
fn node(mode: &str, cases: &[serde_json::Value]) -> Option<Vec<serde_json::Value>> {
    let dir = crate::harness::repo_path("tests/node");
    let ready = dir.join("node_modules/@eyevinn/cat").exists()
        && Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
    if !ready {
        assert!(
            !crate::harness::in_ci(),
            "CI must run npm install in tests/node"
        );
        eprintln!(
            "skipped: node or tests/node/node_modules is missing (npm install in tests/node)"
        );
        return None;
    }
    let mut child = Command::new("node")
        .arg(dir.join("reference.js"))
        .arg(mode)
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(cases).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "node reference.js {mode} failed");
    let results: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results.len(), cases.len());
    Some(results)
}

const CLOUDFRONT_CASES: usize = 200;

/// One random CloudFront signing case: what the reference is asked, and
/// how this side signs or checks the same.
#[test]
fn cloudfront_agrees_with_the_aws_sdk() {
    use playgate::core::cdn::cloudfront::{
        canned_policy, custom_policy, CloudFront, Conditions, Hash,
    };

    let keys = [
        std::fs::read_to_string(crate::harness::repo_path(
            "tests/data/cloudfront_rsa1024_dummy_key.pem",
        ))
        .unwrap(),
        std::fs::read_to_string(crate::harness::repo_path(
            "tests/data/cloudfront_rsa2048_test_key.pem",
        ))
        .unwrap(),
    ];
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1166);
    let mut cases = Vec::new();
    for i in 0..CLOUDFRONT_CASES {
        let pem = &keys[rng.gen_range(0..2)];
        let algorithm = ["SHA1", "SHA256"][rng.gen_range(0..2)];
        let host = format!(
            "d{}.cloudfront.net",
            word(&mut rng, 8)
                .to_lowercase()
                .replace(['-', '_', '.'], "x")
        );
        let mut url = format!(
            "https://{host}/{}/{}.m3u8",
            word(&mut rng, 5),
            word(&mut rng, 8)
        );
        if rng.gen_bool(0.3) {
            url.push_str(&format!(
                "?lang={}",
                word(&mut rng, 2).replace(['-', '_', '.'], "x")
            ));
        }
        let exp: i64 = rng.gen_range(1_700_000_000..2_000_000_000);
        let kind = ["canned", "custom-ours", "custom-theirs"][i % 3];
        let mut c = json!({
            "url": url, "keyPairId": format!("K{}", i), "pem": pem, "algorithm": algorithm,
            "dateLessThan": exp, "kind": kind, "cookies": kind != "canned" && rng.gen_bool(0.5),
        });
        match kind {
            "custom-ours" => {
                let resource = format!("https://{host}/{}/*", url.split('/').nth(3).unwrap());
                let ip = rng.gen_bool(0.5).then(|| {
                    format!("10.{}.0.0/16", rng.gen_range(0..255))
                        .parse()
                        .unwrap()
                });
                let start = rng.gen_bool(0.5).then(|| exp - rng.gen_range(60..86_400));
                let policy = custom_policy(
                    &resource,
                    &Conditions {
                        expires: exp,
                        start,
                        ip,
                    },
                );
                c["policy"] = json!(policy);
                c["resource"] = json!(resource);
            }
            "custom-theirs" => {
                c["dateGreaterThan"] = json!(exp - rng.gen_range(60..86_400));
                c["ipAddress"] = json!(format!("192.0.2.{}/32", rng.gen_range(1..255)));
            }
            _ => {}
        }
        cases.push(c);
    }
    let Some(theirs) = node("cloudfront", &cases) else {
        return;
    };
    for (c, reference) in cases.iter().zip(&theirs) {
        let hash = if c["algorithm"] == "SHA256" {
            Hash::Sha256
        } else {
            Hash::Sha1
        };
        let url = c["url"].as_str().unwrap();
        let origin = url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
        let ours = CloudFront::from_pem(
            c["pem"].as_str().unwrap(),
            c["keyPairId"].as_str().unwrap(),
            hash,
            &origin,
        )
        .unwrap();
        // Their parameters, by their query (or cookie) names.
        let params: Vec<(String, String)> = if c["cookies"] == true {
            reference
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| {
                    (
                        k.trim_start_matches("CloudFront-").to_owned(),
                        v.as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        } else {
            let signed = reference.as_str().unwrap();
            assert!(signed.starts_with(url), "{signed}");
            signed[url.len() + 1..]
                .split('&')
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap();
                    (k.to_owned(), v.to_owned())
                })
                .collect()
        };
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let refs: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let exp = c["dateLessThan"].as_i64().unwrap();
        match c["kind"].as_str().unwrap() {
            "canned" => {
                let mine = ours.canned(url, exp).unwrap();
                assert_eq!(
                    Some(mine[1].1.as_str()),
                    get("Signature"),
                    "{}",
                    canned_policy(url, exp)
                );
                assert_eq!(ours.check(&refs, url, None, exp - 1), Ok(()));
            }
            "custom-ours" => {
                let resource = c["resource"].as_str().unwrap();
                let policy = c["policy"].as_str().unwrap();
                let decoded =
                    playgate::core::cdn::cloudfront::decode(get("Policy").unwrap()).unwrap();
                assert_eq!(decoded, policy.as_bytes());
                let ip = policy.contains("SourceIp");
                let start = policy.contains("DateGreaterThan");
                // Ours signs the same bytes to the same signature.
                let conditions: serde_json::Value = serde_json::from_str(policy).unwrap();
                let cond = &conditions["Statement"][0]["Condition"];
                let mine = ours
                    .custom(
                        resource,
                        &Conditions {
                            expires: exp,
                            start: cond["DateGreaterThan"]["AWS:EpochTime"].as_i64(),
                            ip: cond["IpAddress"]["AWS:SourceIp"]
                                .as_str()
                                .map(|s| s.parse().unwrap()),
                        },
                    )
                    .unwrap();
                assert_eq!(Some(mine[1].1.as_str()), get("Signature"), "{policy}");
                let client = cond["IpAddress"]["AWS:SourceIp"]
                    .as_str()
                    .map(|s| s.split('/').next().unwrap().parse().unwrap());
                let now = if start {
                    cond["DateGreaterThan"]["AWS:EpochTime"].as_i64().unwrap() + 1
                } else {
                    exp - 1
                };
                assert_eq!(
                    ours.check(&refs, url, client, now),
                    Ok(()),
                    "{policy} ip {ip}"
                );
            }
            _ => {
                // Their own custom policy (their key order) verifies here.
                let ip: std::net::IpAddr = c["ipAddress"]
                    .as_str()
                    .unwrap()
                    .trim_end_matches("/32")
                    .parse()
                    .unwrap();
                let now = c["dateGreaterThan"].as_i64().unwrap() + 1;
                assert_eq!(ours.check(&refs, url, Some(ip), now), Ok(()), "{reference}");
                let other: std::net::IpAddr = "198.51.100.1".parse().unwrap();
                assert!(ours.check(&refs, url, Some(other), now).is_err());
            }
        }
    }
}

const CAT_CASES: usize = 200;

/// Ours accepted by `@eyevinn/cat`, theirs accepted here.
#[test]
fn cat_agrees_with_eyevinn() {
    use playgate::core::cdn::cat::{
        Cat, CatRequest, Claims, Component, MacAlg, Match, Renewal, RenewalKind,
    };

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5007);
    let mut ours_cases = Vec::new();
    let mut theirs_cases = Vec::new();
    let mut keys = Vec::new();
    for i in 0..CAT_CASES {
        let key: Vec<u8> = (0..32).map(|_| rng.gen()).collect();
        let kid = format!("k{i}");
        let issuer = format!("iss-{}", word(&mut rng, 6));
        let prefix = format!("/{}/{}/", word(&mut rng, 4), word(&mut rng, 6));
        let path = format!("{prefix}seg_{}.ts", rng.gen_range(0..9999));
        let exp: i64 = rng.gen_range(2_000_000_000..2_100_000_000);
        let ip = rng
            .gen_bool(0.5)
            .then(|| format!("203.0.113.{}", rng.gen_range(1..255)));
        let renew = rng.gen_bool(0.3);
        let cat = Cat::new(&key, kid.as_bytes(), MacAlg::Hmac256)
            .unwrap()
            .with_issuer(&issuer);
        let rules = [(Component::Path, Match::Prefix(&prefix))];
        let nets: Vec<ipnet::IpNet> = ip
            .iter()
            .map(|a| a.parse::<std::net::IpAddr>().unwrap().into())
            .collect();
        let renewal = Renewal {
            kind: RenewalKind::Header,
            expadd: 120,
            deadline: Some(60),
            name: None,
        };
        let claims = Claims {
            iss: Some(&issuer),
            exp: Some(exp),
            catv: true,
            catnip: &nets,
            catu: &rules,
            catr: renew.then_some(&renewal),
            ..Claims::default()
        };
        let token = cat.token(&claims);
        let url = format!("https://cdn.example.com{path}");
        ours_cases.push(json!({"keyHex": hex::encode(&key), "kid": kid, "token": token, "issuer": issuer, "url": url, "ip": ip}));
        // A URL outside the prefix, for every fifth: refused there too.
        if i % 5 == 0 {
            ours_cases.push(
                json!({"keyHex": hex::encode(&key), "kid": kid, "token": token, "issuer": issuer,
                "url": "https://cdn.example.com/elsewhere/x.ts", "ip": ip, "expect": false}),
            );
        }
        let mut dict =
            json!({"iss": issuer, "exp": exp, "catu": {"path": {"prefix-match": prefix}}});
        if let Some(ip) = &ip {
            dict["catnip"] = json!([ip]);
        }
        theirs_cases.push(json!({"keyHex": hex::encode(&key), "kid": kid, "claims": dict}));
        keys.push((cat, path, ip, exp));
    }
    let Some(verdicts) = node("cat-validate", &ours_cases) else {
        return;
    };
    for (c, v) in ours_cases.iter().zip(&verdicts) {
        let want = c["expect"].as_bool().unwrap_or(true);
        assert_eq!(v["ok"], want, "{c} -> {v}");
    }
    let Some(tokens) = node("cat-generate", &theirs_cases) else {
        return;
    };
    for ((cat, path, ip, exp), token) in keys.iter().zip(&tokens) {
        let token = token.as_str().unwrap();
        let request = CatRequest {
            scheme: "https",
            host: "cdn.example.com",
            port: "",
            path,
            query: "",
            client_ip: ip.as_deref().map(|a| a.parse().unwrap()),
            now: exp - 10,
        };
        let verified = cat
            .check(token, &request)
            .unwrap_or_else(|e| panic!("{token}: {e:?}"));
        assert_eq!(verified.exp, *exp);
        let outside = CatRequest {
            path: "/elsewhere/x.ts",
            ..request
        };
        assert!(cat.check(token, &outside).is_err());
    }
}
