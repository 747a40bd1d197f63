"""Create products, metrics, learnings and the PM skill taxonomy.

Revision ID: 64574ff57887
Revises: 59944fdc8e29
Create Date: 2026-11-27 10:45:35.209910

"""
from alembic import op
import sqlalchemy as sa


# The fixed taxonomy of PM competencies: (key, name, description, suggestion for a gap).
# Keys are stable: exports and imports refer to skills by key.
SKILLS = [
    (
        "discovery",
        "Discovery & research",
        "Finding out who has which problem, through interviews, observation and data.",
        "Interview five people who have the problem before you build your next feature.",
    ),
    (
        "strategy",
        "Strategy & vision",
        "Choosing where to play and why, and saying what success looks like.",
        "Write a one-page strategy for a product: the bet, the market, what you will not do.",
    ),
    (
        "prioritisation",
        "Prioritisation & roadmapping",
        "Deciding what to build next and what to cut, and explaining the order.",
        "Cut the scope of your next product in half and log what you dropped and why.",
    ),
    (
        "execution",
        "Execution & delivery",
        "Getting a product from plan to shipped, in small steps and on time.",
        "Ship something small within two weeks and log how you planned and delivered it.",
    ),
    (
        "analytics",
        "Data & analytics",
        "Defining metrics, instrumenting a product and learning from the numbers.",
        "Pick one success metric for a product, measure it, and record what it showed.",
    ),
    (
        "design",
        "UX & design",
        "Shaping how a product works and feels for the people who use it.",
        "Watch three people use your product and log what you changed afterwards.",
    ),
    (
        "technical",
        "Technical fluency",
        "Understanding how things are built well enough to make sound trade-offs.",
        "Build a feature yourself, or pair with an engineer, and log the trade-offs you met.",
    ),
    (
        "growth",
        "Go-to-market & growth",
        "Getting a product in front of the right users and growing its use.",
        "Launch a product where its users gather and record what the launch brought.",
    ),
    (
        "communication",
        "Communication & leadership",
        "Aligning people, writing clearly and leading without authority.",
        "Write a decision memo or launch note, share it, and log the feedback you got.",
    ),
]

revision = '64574ff57887'
down_revision = '59944fdc8e29'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('skills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('suggestion', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skills')),
    sa.UniqueConstraint('key', name=op.f('uq_skills_key'))
    )
    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('tagline', sa.String(length=160), nullable=False),
    sa.Column('target_users', sa.String(length=200), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('hypothesis', sa.Text(), nullable=False),
    sa.Column('solution', sa.Text(), nullable=False),
    sa.Column('tradeoffs', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('shipped_on', sa.Date(), nullable=True),
    sa.Column('live_url', sa.String(length=500), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=False),
    sa.Column('visibility', sa.String(length=16), nullable=False),
    sa.Column('is_featured', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('idea', 'building', 'shipped', 'sunset')", name=op.f('ck_products_status_allowed')),
    sa.CheckConstraint("visibility IN ('private', 'unlisted', 'public')", name=op.f('ck_products_visibility_allowed')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_products_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('user_id', 'slug', name=op.f('uq_products_user_id_slug'))
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_products_user_id'), ['user_id'], unique=False)

    op.create_table('learnings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('learned_on', sa.Date(), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('insight', 'decision', 'experiment', 'user_interview', 'mistake')", name=op.f('ck_learnings_kind_allowed')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_learnings_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_learnings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learnings'))
    )
    with op.batch_alter_table('learnings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learnings_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learnings_user_id'), ['user_id'], unique=False)

    op.create_table('metrics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('note', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_metrics_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metrics'))
    )
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metrics_product_id'), ['product_id'], unique=False)

    op.create_table('product_skills',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_skills_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_product_skills_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'skill_id', name=op.f('pk_product_skills'))
    )
    with op.batch_alter_table('product_skills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_skills_skill_id'), ['skill_id'], unique=False)

    op.create_table('learning_skills',
    sa.Column('learning_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['learning_id'], ['learnings.id'], name=op.f('fk_learning_skills_learning_id_learnings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_learning_skills_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('learning_id', 'skill_id', name=op.f('pk_learning_skills'))
    )
    with op.batch_alter_table('learning_skills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_skills_skill_id'), ['skill_id'], unique=False)

    skills = sa.table(
        "skills",
        sa.column("key", sa.String),
        sa.column("name", sa.String),
        sa.column("description", sa.String),
        sa.column("suggestion", sa.String),
        sa.column("position", sa.Integer),
    )
    op.bulk_insert(
        skills,
        [
            {"key": key, "name": name, "description": description, "suggestion": suggestion,
             "position": position}
            for position, (key, name, description, suggestion) in enumerate(SKILLS)
        ],
    )


def downgrade():
    with op.batch_alter_table('learning_skills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_skills_skill_id'))

    op.drop_table('learning_skills')
    with op.batch_alter_table('product_skills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_skills_skill_id'))

    op.drop_table('product_skills')
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metrics_product_id'))

    op.drop_table('metrics')
    with op.batch_alter_table('learnings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learnings_user_id'))
        batch_op.drop_index(batch_op.f('ix_learnings_product_id'))

    op.drop_table('learnings')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_products_user_id'))

    op.drop_table('products')
    op.drop_table('skills')
