"""Parties and sharing: organizations, users, API tokens, liaison contacts, sharing groups,
what incidents are shared with which group, and the append-only audit log.

New tables only: a store at 0001 keeps its incidents as they are (unshared: each
reaches its label's audience and its owner, as before).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("organization", sa.String(length=160), nullable=True),
        sa.Column("user_id", sa.String(length=160), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_log_organization_at"), ["organization", "at"], unique=False
        )

    op.create_table(
        "organizations",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=160), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("mechanism", sa.String(length=64), nullable=True),
        sa.Column("origin_instance", sa.String(length=64), nullable=False),
        sa.Column("origin_organization", sa.String(length=160), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("uuid", name=op.f("uq_organizations_uuid")),
    )
    op.create_table(
        "liaison_contacts",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organization", sa.String(length=160), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("position", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("origin_instance", sa.String(length=64), nullable=False),
        sa.Column("origin_organization", sa.String(length=160), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization"],
            ["organizations.id"],
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_liaison_contacts")),
        sa.UniqueConstraint("uuid", name=op.f("uq_liaison_contacts_uuid")),
    )
    with op.batch_alter_table("liaison_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_liaison_contacts_organization"), ["organization"], unique=False
        )

    op.create_table(
        "organization_assets",
        sa.Column("organization", sa.String(length=160), nullable=False),
        sa.Column("asset", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization"],
            ["organizations.id"],
        ),
        sa.PrimaryKeyConstraint("organization", "asset", name=op.f("pk_organization_assets")),
    )
    op.create_table(
        "sharing_groups",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("mechanism", sa.String(length=64), nullable=True),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("owner", sa.String(length=160), nullable=False),
        sa.Column("origin_instance", sa.String(length=64), nullable=False),
        sa.Column("origin_organization", sa.String(length=160), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner"],
            ["organizations.id"],
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_groups")),
        sa.UniqueConstraint("uuid", name=op.f("uq_sharing_groups_uuid")),
    )
    op.create_table(
        "users",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=160), nullable=False),
        sa.Column("organization", sa.String(length=160), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("origin_instance", sa.String(length=64), nullable=False),
        sa.Column("origin_organization", sa.String(length=160), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization"],
            ["organizations.id"],
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("uuid", name=op.f("uq_users_uuid")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_organization"), ["organization"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=160), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "group_members",
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("organization", sa.String(length=160), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["sharing_groups.id"],
        ),
        sa.ForeignKeyConstraint(
            ["organization"],
            ["organizations.id"],
        ),
        sa.PrimaryKeyConstraint("group_id", "organization", name=op.f("pk_group_members")),
    )
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_members_organization"), ["organization"], unique=False
        )

    op.create_table(
        "incident_shares",
        sa.Column("incident_uuid", sa.String(length=36), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("shared_by", sa.String(length=160), nullable=False),
        sa.Column("shared_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["sharing_groups.id"],
        ),
        sa.PrimaryKeyConstraint("incident_uuid", "group_id", name=op.f("pk_incident_shares")),
    )


def downgrade() -> None:
    op.drop_table("incident_shares")
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_members_organization"))

    op.drop_table("group_members")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_organization"))

    op.drop_table("users")
    op.drop_table("sharing_groups")
    op.drop_table("organization_assets")
    with op.batch_alter_table("liaison_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_liaison_contacts_organization"))

    op.drop_table("liaison_contacts")
    op.drop_table("organizations")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_organization_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
