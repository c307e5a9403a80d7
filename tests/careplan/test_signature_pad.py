"""The pad takes mouse, pen (tablet) and touch strokes, and the capture box knows declined."""

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.ui.signature_pad import SignatureCapture, SignaturePad


def draw(qtbot, pad, points):
    """A pen-down, a path, a pen-up: what a hand on the pad does."""
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(*points[0]))
    for x, y in points[1:]:
        qtbot.mouseMove(pad, QPoint(x, y))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(*points[-1]))


def _pad(qtbot):
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(480, 160)
    pad.show()
    return pad


def test_mouse_strokes_are_kept_scaled_to_the_pad(qtbot):
    pad = _pad(qtbot)
    assert pad.is_empty()
    draw(qtbot, pad, [(48, 80), (120, 40), (240, 120), (432, 16)])
    strokes = pad.strokes()
    assert len(strokes) == 1 and len(strokes[0]) >= 4
    assert strokes[0][0] == (0.1, 0.5) and strokes[0][-1] == (0.9, 0.1)
    assert abs(pad.aspect() - 3.0) < 0.01
    pad.clear()
    assert pad.is_empty()


def _tablet(kind, point):
    device = QPointingDevice.primaryPointingDevice()
    return QTabletEvent(kind, device, QPointF(*point), QPointF(*point), 0.6, 0, 0, 0, 0, 0,
                        Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton,
                        Qt.MouseButton.LeftButton)


def test_a_pen_draws_through_tablet_events(qtbot):
    pad = _pad(qtbot)
    for kind, point in ((QEvent.Type.TabletPress, (10, 10)), (QEvent.Type.TabletMove, (50, 60)),
                        (QEvent.Type.TabletMove, (90, 30)), (QEvent.Type.TabletRelease,
                                                             (90, 30))):
        QApplication.sendEvent(pad, _tablet(kind, point))
    assert len(pad.strokes()) == 1 and len(pad.strokes()[0]) == 3


def test_a_finger_draws_through_touch_events(qtbot):
    pad = _pad(qtbot)
    device = QTest.createTouchDevice()
    QTest.touchEvent(pad, device).press(0, QPoint(20, 20), pad).commit()
    QTest.touchEvent(pad, device).move(0, QPoint(200, 100), pad).commit()
    QTest.touchEvent(pad, device).move(0, QPoint(300, 40), pad).commit()
    QTest.touchEvent(pad, device).release(0, QPoint(300, 40), pad).commit()
    assert not pad.is_empty() and len(pad.strokes()[0]) >= 3


def test_declining_disables_the_pad_and_asks_why(qtbot):
    capture = SignatureCapture("Person", "Darren Smith")
    qtbot.addWidget(capture)
    capture.show()
    assert capture.reason.isHidden()
    capture.kind_buttons["declined"].setChecked(True)
    assert not capture.pad.isEnabled() and not capture.reason.isHidden()
    capture.reason.setText("Wants to read it with his solicitor first")
    value = capture.value()
    assert (value.kind, value.strokes, value.signer_name) == ("declined", (), "Darren Smith")
    assert value.reason == "Wants to read it with his solicitor first"


def _move(pad, x, y):
    QApplication.sendEvent(pad, QMouseEvent(
        QEvent.Type.MouseMove, QPointF(x, y), QPointF(x, y), Qt.MouseButton.NoButton,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))


def test_a_trembling_pen_adds_no_points_the_print_would_not_show(qtbot):
    pad = _pad(qtbot)
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(100, 80))
    for n in range(500):  # a hand resting on the pad, jittering under a pixel
        _move(pad, 100 + (n % 2) * 0.5, 80 + (n % 3) * 0.4)
    _move(pad, 140, 90)
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(140, 90))
    assert len(pad.strokes()[0]) == 2


def test_a_scribble_that_goes_on_and_on_stays_small_enough_to_sync(qtbot):
    """Without a cap, a minute of scribbling was a megabyte: one change the server
    would not take. The pad stops taking ink long before."""
    import json

    from app.ui.signature_pad import MAX_POINTS

    pad = _pad(qtbot)
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    for n in range(MAX_POINTS + 2_000):
        _move(pad, 10 + (n % 230) * 2, 10 + (n // 230 % 70) * 2)
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    strokes = pad.strokes()
    assert sum(len(s) for s in strokes) == MAX_POINTS
    synced = json.dumps([[[round(x, 4), round(y, 4)] for x, y in s] for s in strokes])
    assert len(synced) < 128 * 1024
