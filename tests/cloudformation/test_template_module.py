"""ecs_cluster_manager.template: YAML short forms, the default path, accessors and resolve()."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecs_cluster_manager.template import (
    TemplateError,
    default_template_path,
    load_template,
    parameter_defaults,
    resolve,
    rule_patterns,
)

from .conftest import TEMPLATE_PATH

SHORT_FORMS = """
Parameters:
  Names: {Type: CommaDelimitedList, Default: "a,b"}
  Flag: {Type: String, Default: "true"}
  NoDefault: {Type: String}
Conditions:
  IsA: !Equals [!Ref Flag, "true"]
Resources:
  Thing:
    Type: AWS::Events::Rule
    Properties:
      Name: !Sub "${AWS::StackName}-thing"
      Arn: !GetAtt Other.Arn
      Dotted: !GetAtt Other.Endpoint.Address
      Listed: !GetAtt [Other, Arn]
      Joined: !Join ["-", [!Ref Flag, !Select [0, !Split [",", "x,y"]]]]
      Maybe: !If [IsA, !Base64 "hi", !Ref AWS::NoValue]
      Targets:
        - Id: one
          Arn: !GetAtt Fn.Arn
"""


def test_short_forms_become_long_forms(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(SHORT_FORMS)
    properties = load_template(path)["Resources"]["Thing"]["Properties"]
    assert properties["Name"] == {"Fn::Sub": "${AWS::StackName}-thing"}
    assert properties["Arn"] == {"Fn::GetAtt": ["Other", "Arn"]}
    assert properties["Dotted"] == {"Fn::GetAtt": ["Other", "Endpoint.Address"]}
    assert properties["Listed"] == {"Fn::GetAtt": ["Other", "Arn"]}
    assert properties["Joined"] == {
        "Fn::Join": ["-", [{"Ref": "Flag"}, {"Fn::Select": [0, {"Fn::Split": [",", "x,y"]}]}]]
    }
    assert properties["Maybe"] == {
        "Fn::If": ["IsA", {"Fn::Base64": "hi"}, {"Ref": "AWS::NoValue"}]
    }
    assert rule_patterns(load_template(path))["Thing"].targets == ("Fn",)


def test_parameter_defaults_are_strings_and_skip_required(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(SHORT_FORMS)
    assert parameter_defaults(load_template(path)) == {"Names": "a,b", "Flag": "true"}


def test_default_path_is_the_repository_template() -> None:
    assert default_template_path() == TEMPLATE_PATH
    assert load_template() == load_template(TEMPLATE_PATH)


def test_missing_or_invalid_template_says_which_file(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"cannot read template .*nope\.yaml"):
        load_template(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources: [unclosed")
    with pytest.raises(TemplateError, match="not valid YAML"):
        load_template(bad)
    empty = tmp_path / "empty.yaml"
    empty.write_text("Description: no resources\n")
    with pytest.raises(TemplateError, match="no Resources mapping"):
        load_template(empty)


def test_resolve_substitutes_refs_subs_and_attributes() -> None:
    value = {
        "a": {"Ref": "P"},
        "b": [{"Fn::Sub": "${AWS::StackName}-${P}-${!Literal}"}],
        "c": {"Fn::GetAtt": ["Cluster", "Arn"]},
    }
    assert resolve(value, {"P": "x", "AWS::StackName": "s"}, {"Cluster.Arn": "arn:c"}) == {
        "a": "x", "b": ["s-x-${Literal}"], "c": "arn:c"
    }  # fmt: skip


def test_resolve_names_what_it_cannot_resolve() -> None:
    with pytest.raises(TemplateError, match=r"'Missing'.*add it"):
        resolve({"Fn::Sub": "${Missing}"}, {"P": "x"})
    with pytest.raises(TemplateError, match="without deploying"):
        resolve({"Fn::Join": ["", ["a"]]}, {})
