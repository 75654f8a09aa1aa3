# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netops.bridge.plugins.module_utils._errors import NeverFound, WaitTimeout
from ansible_collections.netops.bridge.plugins.module_utils._wait import wait_for


class FakeTime(object):
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def run_until(finish_at, max_interval=5.0, timeout=1000.0):
    fake = FakeTime()
    value, polls = wait_for(lambda: fake.now, lambda now: now >= finish_at, timeout, max_interval, 'job',
                            clock=fake.clock, sleep=fake.sleep)
    return fake, value, polls


@pytest.mark.parametrize('finish_at', [0.0, 1.0, 10.0, 100.0])
def test_seen_finished_within_one_interval_and_polls_bounded(finish_at):
    fake, seen_at, polls = run_until(finish_at)
    assert finish_at <= seen_at <= finish_at + 5.0
    assert max(fake.sleeps or [0]) <= 5.0
    assert polls <= 8 + finish_at / 5.0


def test_first_polls_are_quick():
    fake, _value, _polls = run_until(1.0)
    assert fake.sleeps[0] == 0.25 and fake.sleeps[1] == 0.375


def test_timeout_carries_the_last_value_and_never_oversleeps():
    fake = FakeTime()
    with pytest.raises(WaitTimeout) as caught:
        wait_for(lambda: {'state': 'running'}, lambda v: False, 3.0, 5.0, 'job 7', clock=fake.clock, sleep=fake.sleep)
    assert caught.value.last == {'state': 'running'}
    assert 'job 7 did not finish within wait_timeout=3.0s' in str(caught.value)
    assert fake.now == pytest.approx(3.0)


def test_a_thing_never_found_ends_the_wait_after_its_grace_period():
    fake = FakeTime()
    with pytest.raises(NeverFound) as caught:
        wait_for(lambda: None, lambda v: False, 3600.0, 5.0, 'run X at T', clock=fake.clock, sleep=fake.sleep,
                 missing=lambda v: v is None, not_found_timeout=10.0)
    assert fake.now == pytest.approx(10.0)
    assert 'run X at T was never found' in str(caught.value) and 'not_found_timeout=10.0s' in str(caught.value)
    assert caught.value.polls <= 9


def test_a_thing_found_late_but_within_grace_is_waited_for_to_the_end():
    fake = FakeTime()
    value, _polls = wait_for(lambda: None if fake.now < 8 else fake.now, lambda now: now is not None and now >= 40,
                             3600.0, 5.0, 'job', clock=fake.clock, sleep=fake.sleep,
                             missing=lambda v: v is None, not_found_timeout=10.0)
    assert 40 <= value <= 45


def test_zero_grace_fails_at_the_first_unknown_answer():
    fake = FakeTime()
    with pytest.raises(NeverFound) as caught:
        wait_for(lambda: None, lambda v: False, 60.0, 5.0, 'job', clock=fake.clock, sleep=fake.sleep,
                 missing=lambda v: v is None, not_found_timeout=0)
    assert caught.value.polls == 1 and fake.sleeps == []


def test_without_a_grace_period_unknown_is_polled_until_the_timeout():
    fake = FakeTime()
    with pytest.raises(WaitTimeout) as caught:
        wait_for(lambda: None, lambda v: False, 30.0, 5.0, 'job', clock=fake.clock, sleep=fake.sleep)
    assert not isinstance(caught.value, NeverFound) and fake.now == pytest.approx(30.0)


def test_a_nan_timeout_ends_the_wait_instead_of_polling_for_ever():
    fake = FakeTime()
    with pytest.raises(WaitTimeout):
        wait_for(lambda: None, lambda v: False, float('nan'), 5.0, 'job', clock=fake.clock,
                 sleep=lambda seconds: fake.sleep(seconds) if fake.now < 100 else pytest.fail('still polling'))
    assert fake.sleeps == []
