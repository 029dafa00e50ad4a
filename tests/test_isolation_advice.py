"""DC204's advice must never break an app: following it keeps every service-to-service link.

Each test builds a model of a stack (which service is on which network, which networks are
internal), applies the advice of every DC204 finding to it as a user would, and checks that
the same pairs of services can reach each other, that every service except the moved
datastores keeps a route out, and that every service that publishes ports is still on a
network that can publish them. The stacks are shaped like docker/awesome-compose samples;
when the real samples are on this machine they are checked too.
"""

from __future__ import annotations

import os
from itertools import combinations
from pathlib import Path

import pytest
from linter.rules import dc_network
from linter.rules._compose_values import is_true, scalar_text, service_network_names, service_ports

from linter.compose.model import ComposeProject
from linter.compose.nodes import MappingNode
from linter.context import ComposeContext
from linter.dispatch import check_rule
from linter.loading import build_links, load_compose

AWESOME = Path("/work/corpus/files/docker+awesome-compose")


class Model:
    """Networks per service, internal networks, publishers: enough to reason on reachability."""

    def __init__(self, project: ComposeProject) -> None:
        self.nets = {
            name: {net for net, _ in service_network_names(service)}
            for name, service in project.services.items()
        }
        declared = project.section("networks")
        self.internal: set[str] = set()
        if declared is not None:
            for pair in declared.pairs:
                config = pair.value
                if isinstance(config, MappingNode) and is_true(config.get("internal")):
                    self.internal.add(scalar_text(pair.key) or "")
        self.publishers = {name for name, s in project.services.items() if service_ports(s)}

    def pairs(self) -> set[tuple[str, str]]:
        return {
            (a, b) for a, b in combinations(sorted(self.nets), 2) if self.nets[a] & self.nets[b]
        }

    def egress(self, name: str) -> bool:
        return any(net not in self.internal for net in self.nets[name])

    def apply(self, plan: dc_network.IsolationPlan) -> None:
        """What the message tells the user to do, every service it names included."""
        back = plan.back
        self.internal.add(back)
        store = self.nets[plan.datastore.name]
        store.discard(plan.network)
        store.add(back)
        for service in (*plan.named, *plan.unnamed):
            self.nets[service.name].add(back)


def _load(folder: Path, name: str = "compose.yaml") -> ComposeProject:
    old = os.getcwd()
    os.chdir(folder)
    try:
        return load_compose(Path(name), name, None)
    finally:
        os.chdir(old)


def _check_advice(project: ComposeProject) -> list[dc_network.IsolationPlan]:
    plans = dc_network.isolation_plans(project)
    model = Model(project)
    before_pairs = model.pairs()
    before_egress = {name: model.egress(name) for name in model.nets}
    for plan in plans:
        model.apply(plan)
    moved = {plan.datastore.name for plan in plans}
    assert model.pairs() == before_pairs, "the advice cut a link between two services"
    for name, had in before_egress.items():
        if name not in moved:
            assert model.egress(name) == had, f"'{name}' lost its route out"
    for name in model.publishers:
        assert model.egress(name), f"'{name}' publishes ports but sits on internal networks only"
    # the advice changes something: the datastores no longer share a routed network
    for plan in plans:
        assert all(net in model.internal for net in model.nets[plan.datastore.name])
    # and the rule reports exactly these plans
    context = ComposeContext(project=project, builds=tuple(build_links(project, {})))
    found = check_rule(dc_network.DatastoreOnPublicNetwork(), context)
    assert len(found) == len(plans)
    for diagnostic in found:
        assert "does not use" not in diagnostic.message
        assert "do not use" not in diagnostic.message
    return plans


STACKS = {
    # proxy -> backend -> db; only backend names db
    "proxy-backend-db": (
        "services:\n  backend:\n    build: backend\n    depends_on:\n      - db\n"
        "  db:\n    image: mariadb:10.11\n    environment:\n"
        "      - MYSQL_DATABASE=example\n"
        "  proxy:\n    image: nginx:1.27\n    ports:\n      - 80:80\n"
        "    depends_on:\n      - backend\n"
    ),
    # the backend reads the database host from application.properties: nothing names db
    "spring-like": (
        "services:\n  backend:\n    build: backend\n    ports:\n      - 8080:8080\n"
        "    networks:\n      - app-net\n"
        "  db:\n    image: postgres:17\n    environment:\n      - POSTGRES_DB=example\n"
        "    networks:\n      - app-net\n"
        "networks:\n  app-net: {}\n"
    ),
    # a broker that publishes ports shares the network with the database of another client
    "broker-etl-db": (
        "services:\n  redpanda:\n    image: redpandadata/redpanda:v24.1.1\n"
        "    ports:\n      - 9092:9092\n"
        "  etl:\n    build: etl\n    environment:\n"
        "      DATABASE_URL: mysql://root:${DB_PASS}@db:3306/mysql\n"
        "  db:\n    image: mariadb:10.11\n"
    ),
    # two datastores on a custom network and a front end
    "two-stores": (
        'services:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n'
        "    networks: [front, back]\n"
        "  app:\n    image: nextcloud:29-fpm\n    environment:\n      - REDIS_HOST=redis\n"
        "      - MYSQL_HOST=db\n    networks: [back]\n"
        "  redis:\n    image: redis:7.2\n    networks: [back]\n"
        "  db:\n    image: mariadb:10.11\n    networks: [back]\n"
        "networks:\n  front: {}\n  back: {}\n"
    ),
}


@pytest.mark.parametrize("name", sorted(STACKS))
def test_advice_keeps_every_link(tmp_path: Path, name: str) -> None:
    (tmp_path / "compose.yaml").write_text(STACKS[name], encoding="utf-8")
    plans = _check_advice(_load(tmp_path))
    assert plans, "each stack is one the rule reports"


def test_unnamed_services_are_never_called_non_users(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(STACKS["spring-like"], encoding="utf-8")
    plans = _check_advice(_load(tmp_path))
    assert [s.name for s in plans[0].unnamed] == ["backend"]
    assert plans[0].named == ()


def test_internal_network_and_published_datastore_are_left_alone(tmp_path: Path) -> None:
    text = STACKS["spring-like"].replace("app-net: {}", "app-net:\n    internal: true")
    (tmp_path / "compose.yaml").write_text(text, encoding="utf-8")
    assert dc_network.isolation_plans(_load(tmp_path)) == []
    text = STACKS["proxy-backend-db"].replace(
        "      - MYSQL_DATABASE=example\n",
        "      - MYSQL_DATABASE=example\n    ports:\n      - 3306:3306\n",
    )
    (tmp_path / "compose.yaml").write_text(text, encoding="utf-8")
    assert dc_network.isolation_plans(_load(tmp_path)) == []


def _samples() -> list[Path]:
    if not AWESOME.is_dir():
        return []
    return sorted(
        p
        for p in AWESOME.rglob("*")
        if p.name in ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
    )


@pytest.mark.skipif(not AWESOME.is_dir(), reason="the awesome-compose samples are not here")
@pytest.mark.parametrize("sample", _samples(), ids=lambda p: p.parent.name)
def test_awesome_compose_samples_keep_working(sample: Path) -> None:
    _check_advice(_load(sample.parent, sample.name))


def test_the_check_catches_advice_that_drops_a_link(tmp_path: Path) -> None:
    """The old advice (publishers that do not name the datastore go to a front network
    only) cut 'backend' from 'db' in a Spring-like stack: the model sees it."""
    (tmp_path / "compose.yaml").write_text(STACKS["spring-like"], encoding="utf-8")
    project = _load(tmp_path)
    model = Model(project)
    before = model.pairs()
    for plan in dc_network.isolation_plans(project):
        model.apply(plan)
        for stranger in plan.strangers:
            model.nets[stranger.name].discard(plan.back)
    assert model.pairs() != before
