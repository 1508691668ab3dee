"""Place files (content/places/*.yaml) and municipalities.yaml into typed objects."""

from __future__ import annotations

from pathlib import Path

from bot.content.model import LANGUAGES, REFERENCE_LANGUAGE, Lang, Municipality, Place, ReviewStatus
from bot.content.provenance import ContentReader
from bot.content.yaml_reader import Node


def parse_place(path: Path, root: Node, reader: ContentReader) -> Place | None:
    required = ("id", "municipality", "kinds", "name", "description", "sources")
    optional = ("address", "opening_hours", "phone", "url", "languages", "review")
    fields = reader.mapping(root, "place", required, optional)
    if fields is None:
        return None
    place_id = reader.text(fields.get("id"), "id")
    if place_id is not None and place_id != path.stem:
        reader.error(fields["id"].line, f"id '{place_id}' does not match file name '{path.stem}'")
    descriptions: dict[Lang, str] = {}
    desc_node = fields.get("description")
    if desc_node is not None:
        desc = reader.mapping(desc_node, "description", (REFERENCE_LANGUAGE,), LANGUAGES)
        for lang in LANGUAGES:
            text = reader.text((desc or {}).get(lang), f"description.{lang}")
            if text is not None:
                descriptions[lang] = text
    reviews: dict[Lang, ReviewStatus] = {}
    review_node = fields.get("review")
    if review_node is not None:
        review_map = reader.mapping(review_node, "review", (), LANGUAGES) or {}
        for lang in LANGUAGES:
            status = reader.review(review_map.get(lang), f"review.{lang}")
            if status is not None:
                reviews[lang] = status
    sources = reader.sources(fields.get("sources"), "sources")
    if "sources" in fields and not sources:
        reader.error(
            fields["sources"].line, "sources: a place without an official source cannot ship"
        )
    municipality = reader.text(fields.get("municipality"), "municipality")
    name = reader.text(fields.get("name"), "name")
    kinds = reader.texts(fields.get("kinds"), "kinds")
    if place_id is None or municipality is None or name is None or not kinds or not sources:
        return None
    if REFERENCE_LANGUAGE not in descriptions:
        return None
    return Place(
        id=place_id,
        municipality=municipality,
        kinds=kinds,
        name=name,
        description=descriptions,
        sources=sources,
        review=reviews,
        address=reader.text(fields.get("address"), "address"),
        opening_hours=reader.text(fields.get("opening_hours"), "opening_hours"),
        phone=reader.text(fields.get("phone"), "phone"),
        url=reader.https_url(fields.get("url"), "url"),
        languages=reader.texts(fields.get("languages"), "languages"),
    )


def parse_municipalities(root: Node, reader: ContentReader) -> list[Municipality]:
    top = reader.mapping(root, "municipalities.yaml", ("municipalities",))
    found = []
    for i, item in enumerate(reader.items((top or {}).get("municipalities"), "municipalities")):
        where = f"municipalities[{i}]"
        fields = reader.mapping(item, where, ("id", "name", "finnish_admin_area"), ("sources",))
        if fields is None:
            continue
        admin = fields.get("finnish_admin_area")
        if admin is not None and admin.value is not None and not isinstance(admin.value, bool):
            reader.error(admin.line, f"{where}.finnish_admin_area: expected true, false or null")
        sources = reader.sources(fields.get("sources"), f"{where}.sources")
        if admin is not None and admin.value is True and not sources:
            reader.error(admin.line, f"{where}: finnish_admin_area true needs a source")
        municipality_id = reader.text(fields.get("id"), f"{where}.id")
        name = reader.text(fields.get("name"), f"{where}.name")
        if municipality_id and name:
            admin_value = (
                admin.value if admin is not None and isinstance(admin.value, bool) else None
            )
            found.append(Municipality(municipality_id, name, admin_value, sources))
    return found
