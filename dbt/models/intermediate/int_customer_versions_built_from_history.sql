-- Type-2 versions of each account's segment, rebuilt from the CRM's field history:
-- the first version starts at account creation with the segment before the first recorded change.
with accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

segment_changes as (
    select
        account_id,
        changed_at,
        old_value,
        new_value,
        row_number() over (partition by account_id order by changed_at, account_history_id) as change_no
    from {{ ref('stg_crm__account_history') }}
    where field_name = 'Segment__c'
),

first_versions as (
    select
        accounts.account_id,
        coalesce(segment_changes.old_value, accounts.segment) as segment,
        cast('1900-01-01 00:00:00+00' as {{ type_timestamptz() }}) as valid_from
    from accounts
    left join segment_changes
        on accounts.account_id = segment_changes.account_id and segment_changes.change_no = 1
),

later_versions as (
    select
        account_id,
        new_value as segment,
        changed_at as valid_from
    from segment_changes
),

versions as (
    select
        account_id,
        segment,
        valid_from
    from first_versions
    union all
    select
        account_id,
        segment,
        valid_from
    from later_versions
),

bounded as (
    select
        versions.account_id,
        versions.segment,
        versions.valid_from,
        coalesce(
            lead(versions.valid_from) over (partition by versions.account_id order by versions.valid_from),
            cast('9999-12-31 00:00:00+00' as {{ type_timestamptz() }})
        ) as valid_to
    from versions
)

select * from bounded
