"""One topic file (content/<lang>/<id>.yaml) into a Topic, every problem recorded by the reader."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.content.model import Block, Contact, Lang, Topic
from bot.content.provenance import ContentReader
from bot.content.yaml_reader import Node

TITLE_MAX = 60

TOPIC_REQUIRED = ("id", "title", "review", "summary", "next_steps")
TOPIC_OPTIONAL = ("sections", "contacts", "keywords", "related", "sources")


def parse_topic(path: Path, lang: Lang, root: Node, reader: ContentReader) -> Topic | None:
    fields = reader.mapping(root, "topic", TOPIC_REQUIRED, TOPIC_OPTIONAL)
    if fields is None:
        return None
    topic_id = reader.text(fields.get("id"), "id")
    if topic_id is not None and topic_id != path.stem:
        reader.error(fields["id"].line, f"id '{topic_id}' does not match file name '{path.stem}'")
    title = reader.text(fields.get("title"), "title", max_len=TITLE_MAX)
    review, review_record = reader.topic_review(fields.get("review"))
    summary = reader.text(fields.get("summary"), "summary")
    next_steps = reader.texts(fields.get("next_steps"), "next_steps")
    if "next_steps" in fields and not next_steps:
        reader.error(fields["next_steps"].line, "next_steps: give at least one step")

    blocks = []
    for i, item in enumerate(reader.items(fields.get("sections"), "sections")):
        where = f"sections[{i}]"
        block = reader.mapping(item, where, ("heading",), ("text", "steps", "bullets"))
        if block is None:
            continue
        heading = reader.text(block.get("heading"), f"{where}.heading")
        if heading is not None:
            blocks.append(
                Block(
                    heading=heading,
                    text=reader.text(block.get("text"), f"{where}.text"),
                    steps=reader.texts(block.get("steps"), f"{where}.steps"),
                    bullets=reader.texts(block.get("bullets"), f"{where}.bullets"),
                )
            )

    contacts = []
    for i, item in enumerate(reader.items(fields.get("contacts"), "contacts")):
        where = f"contacts[{i}]"
        contact = reader.mapping(item, where, ("name",), ("phone", "url", "note"))
        if contact is None:
            continue
        name = reader.text(contact.get("name"), f"{where}.name")
        if name is not None:
            contacts.append(
                Contact(
                    name=name,
                    phone=reader.text(contact.get("phone"), f"{where}.phone"),
                    url=reader.https_url(contact.get("url"), f"{where}.url"),
                    note=reader.text(contact.get("note"), f"{where}.note"),
                )
            )

    if topic_id is None or title is None or review is None or summary is None or not next_steps:
        return None
    topic = Topic(
        id=topic_id,
        lang=lang,
        title=title,
        review=review,
        summary=summary,
        next_steps=next_steps,
        sections=tuple(blocks),
        contacts=tuple(contacts),
        keywords=reader.texts(fields.get("keywords"), "keywords"),
        related=reader.texts(fields.get("related"), "related"),
        sources=reader.sources(fields.get("sources"), "sources"),
        review_record=review_record,
    )
    if review_record is not None and review_record.content_hash != topic.content_hash():
        # Changed after its review: a draft again until someone reviews this version.
        topic = replace(topic, review="draft")
    return topic
